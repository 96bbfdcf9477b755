"""Pydantic I/O of leads. Every phone in a `LeadRead` has passed the customers' masking policy."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from crm_core.customers.models import CustomerKind, CustomerSource
from crm_core.sales.leads.models import LeadStatus
from crm_core.sales.opportunities.schemas import OpportunityFields
from crm_core.validation import Id


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LeadCreate(Input):
    name: str = Field(min_length=1, max_length=64)
    company: str = Field("", max_length=128)
    phone: str = Field(min_length=1, max_length=32)
    source: CustomerSource = CustomerSource.SELF
    note: str = Field("", max_length=500)
    owner_id: Id | None = None


class LeadUpdate(Input):
    """No phone (the conversion's dedupe key) and no owner; `converted` only by converting."""

    name: str | None = Field(None, min_length=1, max_length=64)
    company: str | None = Field(None, max_length=128)
    source: CustomerSource | None = None
    status: LeadStatus | None = None
    note: str | None = Field(None, max_length=500)


class LeadRead(BaseModel):
    id: int
    name: str
    company: str
    phone: str
    phone_masked: bool
    source: CustomerSource
    status: LeadStatus
    note: str
    owner_id: int
    owner_name: str
    customer_id: int | None
    opportunity_id: int | None
    converted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class LeadFollowUpCreate(Input):
    content: str = Field(min_length=1, max_length=2000)


class LeadFollowUpRead(BaseModel):
    id: int
    lead_id: int
    content: str
    staff_id: int
    staff_name: str
    at: datetime


class LeadPage(BaseModel):
    items: list[LeadRead]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class LeadFilter:
    q: str = ""
    status: LeadStatus | None = None
    source: CustomerSource | None = None
    owner_id: int | None = None


class ConversionOpportunity(OpportunityFields):
    stage_id: Id | None = None


class LeadConvert(Input):
    # A company lead becomes a company customer with the person as its primary contact.
    kind: CustomerKind = CustomerKind.PERSON
    contact_title: str = Field("", max_length=64)
    opportunity: ConversionOpportunity | None = None


class ConversionRead(BaseModel):
    lead: LeadRead
    customer_id: int
    customer_created: bool
    contact_id: int | None
    opportunity_id: int | None
