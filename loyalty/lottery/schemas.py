"""Pydantic I/O of the big wheel."""

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from crm_core.validation import FieldValueError, Id
from loyalty.lottery.models import AwardStatus, DrawOutcome, PrizeKind, Skin


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActivityCreate(Input):
    name: str = Field(min_length=1, max_length=64)
    skin: Skin = Skin.CLASSIC
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    free_draws_per_day: int = Field(1, ge=0, le=100)
    points_per_draw: int = Field(0, ge=0, le=1_000_000)
    max_draws_per_day: int | None = Field(None, ge=1, le=10_000)
    max_draws_total: int | None = Field(None, ge=1, le=1_000_000)
    max_wins: int | None = Field(None, ge=1, le=10_000)
    rules_text: str = Field("", max_length=4000)

    @model_validator(mode="after")
    def _window(self) -> "ActivityCreate":
        if self.ends_at <= self.starts_at:
            raise FieldValueError("ends_at", "结束时间必须晚于开始时间")
        return self


class ActivityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    skin: Skin
    starts_at: datetime
    ends_at: datetime
    free_draws_per_day: int
    points_per_draw: int
    max_draws_per_day: int | None
    max_draws_total: int | None
    max_wins: int | None
    rules_text: str
    is_active: bool


class PrizeCreate(Input):
    name: str = Field(min_length=1, max_length=64)
    kind: PrizeKind
    weight: int = Field(ge=0, le=1_000_000_000)
    stock: int | None = Field(None, ge=0, le=10_000_000)
    points: int = Field(0, ge=0, le=1_000_000)
    red_packet_fen: int = Field(0, ge=0, le=20_000)
    coupon_template_id: Id | None = None
    position: int = Field(0, ge=0, le=1000)

    @model_validator(mode="after")
    def _payload(self) -> "PrizeCreate":
        if self.kind == PrizeKind.POINTS and self.points <= 0:
            raise FieldValueError("points", "积分奖品必须填写积分数")
        if self.kind == PrizeKind.COUPON and self.coupon_template_id is None:
            raise FieldValueError("coupon_template_id", "优惠券奖品必须选择券模板")
        if self.kind == PrizeKind.RED_PACKET and self.red_packet_fen < 100:
            raise FieldValueError("red_packet_fen", "红包金额至少 1 元")
        return self


class PrizeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: PrizeKind
    weight: int
    stock: int | None
    stock_total: int | None
    points: int
    red_packet_fen: int
    coupon_template_id: int | None
    position: int


class DrawCreate(Input):
    member_id: Id
    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-:.]+$")


class DrawRead(BaseModel):
    id: int
    outcome: DrawOutcome
    prize_id: int | None
    prize_name: str
    prize_kind: PrizeKind
    cost_points: int
    award_id: int | None


class AddressSubmit(Input):
    recipient: str = Field(min_length=1, max_length=32)
    phone: str = Field(pattern=r"^1\d{10}$")
    address: str = Field(min_length=5, max_length=255)


class FulfilmentUpdate(Input):
    status: AwardStatus
    tracking_no: str = Field("", max_length=64)


class AwardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    draw_id: int
    activity_id: int
    member_id: int
    prize_id: int
    status: AwardStatus
    recipient: str
    phone: str
    address: str
    tracking_no: str
    created_at: datetime


class DailyReportRow(BaseModel):
    day: date
    participants: int
    draws: int
    wins: int
    claimed: int
    by_prize: dict[str, int]
