"""Pydantic I/O of contracts and their attachments."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm_core.sales.contracts.models import ContractStatus
from crm_core.validation import Id

ShownStatus = Literal["draft", "reviewing", "approved", "signed", "executing", "completed", "void"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContractLineIn(Input):
    sku_id: Id
    quantity: int = Field(ge=1, le=1_000_000)
    # None: the SKU's catalogue price.
    unit_price_fen: int | None = Field(None, ge=0, le=10**10)
    discount_bp: int = Field(0, ge=0, le=10_000)


class ContractWrite(Input):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    customer_id: Id
    opportunity_id: Id | None = None
    quote_id: Id | None = None
    sign_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    discount_fen: int = Field(0, ge=0, le=10**12)
    note: str = Field("", max_length=500)
    lines: list[ContractLineIn] = Field(min_length=1, max_length=200)


class ContractFromQuote(Input):
    quote_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""


class ContractStatusChange(Input):
    status: ContractStatus
    # Signing records the date (today when omitted).
    sign_date: date | None = None


class ContractLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku_id: int
    sku_code: str
    product_name: str
    spec: str
    unit: str
    quantity: int
    unit_price_fen: int
    discount_bp: int
    amount_fen: int


class AttachmentRead(BaseModel):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_by_name: str
    created_at: datetime


class ContractRead(BaseModel):
    id: int
    number: str
    title: str
    customer_id: int
    customer_name: str
    customer_phone: str
    opportunity_id: int | None
    quote_id: int | None
    owner_id: int
    owner_name: str
    status: ShownStatus
    status_label: str
    locked: bool
    subtotal_fen: int
    discount_fen: int
    amount_fen: int
    sign_date: date | None
    start_date: date | None
    end_date: date | None
    note: str
    lines: list[ContractLineRead]
    attachments: list[AttachmentRead]
    created_at: datetime
    updated_at: datetime


class ContractPage(BaseModel):
    items: list[ContractRead]
    total: int
    page: int
    page_size: int
