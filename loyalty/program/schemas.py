"""Pydantic I/O of the programme configuration and tiers."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_core.validation import FieldValueError, Id
from loyalty.program.models import TierBasis


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgramUpdate(Input):
    points_per_yuan: int = Field(ge=0, le=1000)
    follow_points: int = Field(ge=0, le=1_000_000)
    checkin_points: int = Field(ge=0, le=1_000_000)
    profile_points: int = Field(ge=0, le=1_000_000)
    review_points: int = Field(ge=0, le=1_000_000)
    invite_points: int = Field(ge=0, le=1_000_000)
    points_validity_days: int = Field(ge=0, le=3650)
    tier_basis: TierBasis
    tier_window_days: int = Field(ge=1, le=3650)
    new_days: int = Field(ge=1, le=3650)
    dormant_days: int = Field(ge=1, le=3650)
    churned_days: int = Field(ge=1, le=3650)
    coupon_expiring_notice_days: int = Field(ge=0, le=60)

    @model_validator(mode="after")
    def _ordered(self) -> "ProgramUpdate":
        if not self.dormant_days < self.churned_days:
            raise FieldValueError("churned_days", "沉睡天数必须小于流失天数")
        return self


class ProgramRead(ProgramUpdate):
    model_config = ConfigDict(from_attributes=True, extra="ignore")


class TierCreate(Input):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=32)
    rank: int = Field(ge=0, le=100)
    threshold: int = Field(ge=0, le=10**12)
    multiplier_percent: int = Field(100, ge=0, le=1000)
    discount_percent: int = Field(100, ge=1, le=100)
    birthday_points: int = Field(0, ge=0, le=1_000_000)
    birthday_coupon_template_id: Id | None = None


class TierUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=32)
    threshold: int | None = Field(None, ge=0, le=10**12)
    multiplier_percent: int | None = Field(None, ge=0, le=1000)
    discount_percent: int | None = Field(None, ge=1, le=100)
    birthday_points: int | None = Field(None, ge=0, le=1_000_000)
    birthday_coupon_template_id: Id | None = None


class TierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    rank: int
    threshold: int
    multiplier_percent: int
    discount_percent: int
    birthday_points: int
    birthday_coupon_template_id: int | None
