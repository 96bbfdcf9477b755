"""Pydantic I/O of member links. Phones here have passed the customers' masking policy."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from crm_core.member_links.models import LinkHow
from crm_core.validation import Id


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: Id


class LinkRead(BaseModel):
    customer_id: int
    member_id: int
    how: LinkHow
    linked_at: datetime
    linked_by_id: int | None
    linked_by_name: str  # "系统" for an automatic link


class ConflictCustomer(BaseModel):
    id: int
    name: str
    phone: str
    owner_name: str


class ConflictRead(BaseModel):
    id: int
    member_id: int
    member_name: str
    phone: str
    found_at: datetime
    customers: list[ConflictCustomer] = Field(
        description="Only the customers in the caller's data scope."
    )
