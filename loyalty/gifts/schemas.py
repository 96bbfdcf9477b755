"""Pydantic I/O of follow gifts."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_core.validation import FieldValueError, Id


class FollowGiftCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    qrcode_id: Id | None = None
    channel: str = Field("", max_length=64)
    points: int = Field(0, ge=0, le=1_000_000)
    coupon_template_id: Id | None = None

    @model_validator(mode="after")
    def _something(self) -> "FollowGiftCreate":
        if self.points == 0 and self.coupon_template_id is None:
            raise FieldValueError("points", "关注礼须包含积分或优惠券")
        return self


class FollowGiftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    qrcode_id: int | None
    channel: str
    points: int
    coupon_template_id: int | None
    is_active: bool


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    gift_id: int
    qrcode_id: int | None
    channel: str
    points_entry_id: int | None
    coupon_id: int | None
