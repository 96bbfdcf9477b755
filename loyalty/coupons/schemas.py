"""Pydantic I/O of coupons."""

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from crm_core.validation import FieldValueError, Id
from loyalty.coupons.models import CouponKind, CouponSource, CouponStatus

Key = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-:.]+$")


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TemplateCreate(Input):
    name: str = Field(min_length=1, max_length=64)
    kind: CouponKind
    amount_off_fen: int = Field(0, ge=0, le=10**9)
    discount_percent: int = Field(100, ge=1, le=100)
    gift_name: str = Field("", max_length=64)
    threshold_fen: int = Field(0, ge=0, le=10**10)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    valid_days: int | None = Field(None, ge=1, le=3650)
    stock: int | None = Field(None, ge=0, le=10**8)
    per_member_limit: int = Field(1, ge=1, le=1000)
    store_ids: list[Id] = Field(default_factory=list, max_length=1000)
    claimable: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "TemplateCreate":
        if (self.valid_days is None) == (self.valid_until is None):
            raise FieldValueError("valid_days", "有效期须二选一：固定截止时间或领取后天数")
        if self.kind == CouponKind.AMOUNT_OFF and self.amount_off_fen <= 0:
            raise FieldValueError("amount_off_fen", "代金券必须填写减免金额")
        if self.kind == CouponKind.DISCOUNT and self.discount_percent >= 100:
            raise FieldValueError("discount_percent", "折扣券的折扣必须小于 100%")
        if self.kind == CouponKind.GIFT and not self.gift_name:
            raise FieldValueError("gift_name", "礼品券必须填写礼品名称")
        return self


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: CouponKind
    amount_off_fen: int
    discount_percent: int
    gift_name: str
    threshold_fen: int
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days: int | None
    stock: int | None
    stock_total: int | None
    per_member_limit: int
    store_ids: list[int]
    claimable: bool
    is_active: bool


class IssueCreate(Input):
    member_id: Id
    idempotency_key: str = Key


class VerifyCreate(Input):
    code: str = Field(min_length=6, max_length=40)
    store_id: Id
    order_amount_fen: int | None = Field(None, ge=0, le=10**10)
    order_no: str = Field("", max_length=64)


class CouponRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    template_id: int
    member_id: int
    code: str
    status: CouponStatus
    source: CouponSource
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime
    used_at: datetime | None
    used_store_id: int | None
    used_order_no: str


class VerificationRead(BaseModel):
    coupon: CouponRead
    discount_fen: int
