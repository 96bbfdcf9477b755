"""Pydantic I/O of the points mall."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_core.validation import FieldValueError, Id
from loyalty.mall.models import ExchangeStatus, ItemKind


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemCreate(Input):
    name: str = Field(min_length=1, max_length=64)
    kind: ItemKind
    description: str = Field("", max_length=2000)
    image_url: str = Field("", max_length=255)
    points_price: int = Field(ge=1, le=10**8)
    stock: int = Field(ge=0, le=10**7)
    per_member_limit: int | None = Field(None, ge=1, le=1000)
    coupon_template_id: Id | None = None
    red_packet_fen: int = Field(0, ge=0, le=20_000)

    @model_validator(mode="after")
    def _payload(self) -> "ItemCreate":
        if self.kind == ItemKind.COUPON and self.coupon_template_id is None:
            raise FieldValueError("coupon_template_id", "优惠券商品必须选择券模板")
        if self.kind == ItemKind.RED_PACKET and self.red_packet_fen < 100:
            raise FieldValueError("red_packet_fen", "红包金额至少 1 元")
        return self


class ItemUpdate(Input):
    """The console's edit of an item: every field but its kind, and on/off sale."""

    name: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=2000)
    image_url: str = Field("", max_length=255)
    points_price: int = Field(ge=1, le=10**8)
    stock: int = Field(ge=0, le=10**7)
    per_member_limit: int | None = Field(None, ge=1, le=1000)
    coupon_template_id: Id | None = None
    red_packet_fen: int = Field(0, ge=0, le=20_000)
    is_active: bool = True


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: ItemKind
    description: str
    image_url: str
    points_price: int
    stock: int
    per_member_limit: int | None
    coupon_template_id: int | None
    red_packet_fen: int
    is_active: bool


class ExchangeCreate(Input):
    member_id: Id
    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-:.]+$")
    recipient: str = Field("", max_length=32)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=255)


class ExchangeUpdate(Input):
    status: ExchangeStatus
    tracking_no: str = Field("", max_length=64)


class ExchangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    member_id: int
    points: int
    points_entry_id: int
    coupon_id: int | None
    status: ExchangeStatus
    recipient: str
    phone: str
    address: str
    tracking_no: str
    created_at: datetime
