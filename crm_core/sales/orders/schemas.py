"""Pydantic I/O of B2B orders and delivery notes."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from crm_core.sales.orders.models import OrderStatus
from crm_core.validation import Id


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderLineIn(Input):
    contract_line_id: Id
    quantity: int = Field(ge=1, le=1_000_000)


class OrderCreate(Input):
    """Sent as the `order` form field (JSON) next to the `proof` file."""

    contract_id: Id
    note: str = Field("", max_length=500)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)


class DeliveryLineIn(Input):
    order_line_id: Id
    quantity: int = Field(ge=1, le=1_000_000)


class DeliveryCreate(Input):
    shipped_on: date
    carrier: str = Field("", max_length=64)
    tracking_number: str = Field("", max_length=64)
    note: str = Field("", max_length=500)
    lines: list[DeliveryLineIn] = Field(min_length=1, max_length=200)


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


class OrderLineRead(BaseModel):
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


class DeliveryLineRead(BaseModel):
    order_line_id: int
    product_name: str
    quantity: int


class DeliveryRead(BaseModel):
    id: int
    number: str
    shipped_on: date
    carrier: str
    tracking_number: str
    note: str
    created_by_name: str
    created_at: datetime
    lines: list[DeliveryLineRead]


class OrderRead(BaseModel):
    id: int
    number: str
    contract_id: int
    contract_number: str
    customer_id: int
    customer_name: str
    customer_phone: str
    owner_id: int
    owner_name: str
    status: OrderStatus
    status_label: str
    amount_fen: int
    note: str
    proof_name: str
    proof_content_type: str
    proof_size: int
    lines: list[OrderLineRead]
    deliveries: list[DeliveryRead]
    created_at: datetime
    updated_at: datetime


class OrderPage(BaseModel):
    items: list[OrderRead]
    total: int
    page: int
    page_size: int
