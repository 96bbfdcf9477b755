"""Pydantic I/O of check-ins."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class StreakRewardSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    streak_days: int = Field(ge=2, le=366)
    points: int = Field(0, ge=0, le=1_000_000)
    coupon_template_id: int | None = None


class StreakRewardRead(StreakRewardSet):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int


class CheckinRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    streak: int
    points: int
    coupon_id: int | None
