"""Pydantic I/O of B2B orders and delivery notes."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from crm_core.sales.orders.models import ContractOrderStatus
from crm_core.validation import Id


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContractOrderLineIn(Input):
    contract_line_id: Id
    quantity: int = Field(ge=1, le=1_000_000)


class ContractOrderCreate(Input):
    """Sent as the `order` form field (JSON) next to the `proof` file."""

    contract_id: Id
    note: str = Field("", max_length=500)
    lines: list[ContractOrderLineIn] = Field(min_length=1, max_length=200)


class DeliveryNoteLineIn(Input):
    order_line_id: Id
    quantity: int = Field(ge=1, le=1_000_000)


class DeliveryNoteCreate(Input):
    shipped_on: date
    carrier: str = Field("", max_length=64)
    tracking_number: str = Field("", max_length=64)
    note: str = Field("", max_length=500)
    lines: list[DeliveryNoteLineIn] = Field(min_length=1, max_length=200)


class OrderableLine(BaseModel):
    contract_line_id: int
    sku_code: str
    product_name: str
    unit: str
    unit_price_fen: int
    discount_bp: int
    quantity: int
    ordered: int
    remaining: int


class ContractOrderLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    contract_line_id: int
    sku_code: str
    product_name: str
    unit: str
    quantity: int
    unit_price_fen: int
    amount_fen: int
    delivered_quantity: int


class DeliveryNoteLineRead(BaseModel):
    order_line_id: int
    product_name: str
    quantity: int


class DeliveryNoteRead(BaseModel):
    id: int
    number: str
    shipped_on: date
    carrier: str
    tracking_number: str
    note: str
    created_by_name: str
    created_at: datetime
    lines: list[DeliveryNoteLineRead]


class ContractOrderRead(BaseModel):
    id: int
    number: str
    contract_id: int
    contract_number: str
    customer_id: int
    customer_name: str
    customer_phone: str
    owner_id: int
    owner_name: str
    status: ContractOrderStatus
    status_label: str
    amount_fen: int
    note: str
    proof_name: str
    proof_content_type: str
    proof_size: int
    lines: list[ContractOrderLineRead]
    deliveries: list[DeliveryNoteRead]
    created_at: datetime
    updated_at: datetime


class ContractOrderPage(BaseModel):
    items: list[ContractOrderRead]
    total: int
    page: int
    page_size: int
