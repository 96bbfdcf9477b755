"""Pydantic I/O of sales orders."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from crm_core.sales.models import OrderStatus
from crm_core.validation import Id


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderLineIn(Input):
    product_code: str = Field(min_length=1, max_length=64)
    product_name: str = Field("", max_length=128)
    quantity: int = Field(ge=1, le=100_000)
    unit_price_fen: int = Field(ge=0, le=10**10)


class OrderCreate(Input):
    order_no: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    store_id: Id
    member_id: Id | None = None
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)
    paid_at: AwareDatetime


class RefundCreate(Input):
    refund_no: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    amount_fen: int = Field(ge=1, le=10**12)
    refunded_at: AwareDatetime


class OrderLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_code: str
    product_name: str
    quantity: int
    unit_price_fen: int
    amount_fen: int


class RefundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_id: int
    refund_no: str
    amount_fen: int
    refunded_at: datetime


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_no: str
    store_id: int
    member_id: int | None
    total_fen: int
    refunded_fen: int
    status: OrderStatus
    paid_at: datetime
    lines: list[OrderLineRead] = []


class LastOrder(BaseModel):
    id: int
    order_no: str
    store_id: int
    store_name: str
    total_fen: int
    paid_at: datetime


class PurchaseSummary(BaseModel):
    """A member's purchases at a glance (the caller ID card); net is paid minus refunded."""

    order_count: int
    paid_fen: int
    refunded_fen: int
    refund_count: int
    last_order: LastOrder | None

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.refunded_fen
