"""Pydantic I/O of quotes and their print template."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm_core.sales.quotes.models import QuoteStatus
from crm_core.validation import Id


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuoteLineIn(Input):
    sku_id: Id
    quantity: int = Field(ge=1, le=1_000_000)
    # None: the SKU's catalogue price.
    unit_price_fen: int | None = Field(None, ge=0, le=10**10)
    discount_bp: int = Field(0, ge=0, le=10_000)


class QuoteWrite(Input):
    customer_id: Id
    valid_until: date
    discount_fen: int = Field(0, ge=0, le=10**12)
    note: str = Field("", max_length=500)
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=200)


class QuoteStatusChange(Input):
    status: QuoteStatus


class QuoteLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku_id: int
    sku_code: str
    product_name: str
    spec: str
    unit: str
    quantity: int
    unit_price_fen: int
    discount_bp: int
    amount_fen: int


class QuoteRead(BaseModel):
    id: int
    number: str
    customer_id: int
    customer_name: str
    customer_phone: str
    owner_id: int
    owner_name: str
    status: QuoteStatus
    valid_until: date
    subtotal_fen: int
    discount_fen: int
    total_fen: int
    note: str
    lines: list[QuoteLineRead]
    created_at: datetime
    updated_at: datetime


class QuotePage(BaseModel):
    items: list[QuoteRead]
    total: int
    page: int
    page_size: int


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


class QuoteTemplateWrite(Input):
    number_prefix: str = Field(pattern=r"^[A-Z]{1,8}$")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    company_name: Text = ""
    company_address: str = Field("", max_length=128)
    company_phone: str = Field("", max_length=32)
    header_note: str = Field("", max_length=500)
    footer_note: str = Field("", max_length=500)
    terms: str = Field("", max_length=2000)
    columns: list[str] = Field(min_length=3, max_length=9)


class QuoteTemplateRead(BaseModel):
    number_prefix: str
    title: str
    company_name: str
    company_address: str
    company_phone: str
    header_note: str
    footer_note: str
    terms: str
    columns: list[str]
    available_columns: dict[str, str]
