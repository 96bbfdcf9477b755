"""Pydantic I/O of customers. Every phone in a `*Read` has passed the masking policy."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from crm_core.customers.models import CustomerKind, CustomerLevel, CustomerSource, FollowUpKind
from crm_core.validation import Id

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerFields(Input):
    kind: CustomerKind = CustomerKind.PERSON
    name: str = Field(min_length=1, max_length=64)
    level: CustomerLevel = CustomerLevel.C
    source: CustomerSource = CustomerSource.SELF
    industry: str = Field("", max_length=64)
    address: str = Field("", max_length=255)
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    next_contact_at: AwareDatetime | None = None


class CustomerCreate(CustomerFields):
    phone: str = Field(min_length=1, max_length=32)
    # Defaults to the caller; a manager may enter a customer for a rep in their scope.
    owner_id: Id | None = None


class CustomerUpdate(Input):
    """No phone: it is fixed at creation. Owners change by transfer only."""

    kind: CustomerKind | None = None
    name: str | None = Field(None, min_length=1, max_length=64)
    level: CustomerLevel | None = None
    source: CustomerSource | None = None
    industry: str | None = Field(None, max_length=64)
    address: str | None = Field(None, max_length=255)
    tags: list[Tag] | None = Field(None, max_length=10)


class CustomerRead(BaseModel):
    id: int
    kind: CustomerKind
    name: str
    phone: str  # full (national form) or masked: 138****8000
    phone_masked: bool
    level: CustomerLevel
    source: CustomerSource
    industry: str
    address: str
    tags: list[str]
    owner_id: int | None
    owner_name: str
    department_id: int | None
    member_id: int | None
    credit_limit_fen: int
    last_followed_at: datetime | None
    next_contact_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CustomerPage(BaseModel):
    items: list[CustomerRead]
    total: int
    page: int
    page_size: int


class ContactCreate(Input):
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field("", max_length=32)
    title: str = Field("", max_length=64)
    is_primary: bool = False


class ContactUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    phone: str | None = Field(None, max_length=32)
    title: str | None = Field(None, max_length=64)
    is_primary: bool | None = None


class ContactRead(BaseModel):
    id: int
    customer_id: int
    name: str
    phone: str
    phone_masked: bool
    title: str
    is_primary: bool


class FollowUpCreate(Input):
    kind: FollowUpKind
    content: str = Field(min_length=1, max_length=2000)
    # The next planned contact; none clears it (nothing planned after this one).
    next_contact_at: AwareDatetime | None = None


class FollowUpRead(BaseModel):
    id: int
    customer_id: int
    kind: FollowUpKind
    content: str
    next_contact_at: datetime | None
    staff_id: int
    staff_name: str
    at: datetime


class TransferCreate(Input):
    customer_ids: list[Id] = Field(min_length=1, max_length=500)
    to_staff_id: Id
    reason: str = Field("", max_length=255)


class TransferResult(BaseModel):
    transferred: int
    unchanged: int


class TransferRead(BaseModel):
    id: int
    customer_id: int
    from_staff_id: int | None
    from_name: str
    to_staff_id: int | None
    to_name: str
    by_staff_id: int | None
    by_name: str
    reason: str
    at: datetime


class ImportRow(BaseModel):
    row: int  # the spreadsheet's row number (the header is row 1)
    status: Literal["created", "duplicate", "invalid"]
    name: str
    phone: str  # masked unless the caller may see it
    customer_id: int | None = None
    message: str = ""


class ImportResult(BaseModel):
    dry_run: bool
    created: int
    duplicates: int
    invalid: int
    rows: list[ImportRow]


@dataclass(frozen=True)
class CustomerFilter:
    q: str = ""
    level: CustomerLevel | None = None
    source: CustomerSource | None = None
    owner_id: int | None = None
    tag: str = ""
    next_contact_before: datetime | None = None
