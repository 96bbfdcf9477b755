"""Pydantic I/O of check-ins."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_core.validation import FieldValueError, Id


class StreakRewardSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    streak_days: int = Field(ge=2, le=366)
    points: int = Field(0, ge=0, le=1_000_000)
    coupon_template_id: Id | None = None
    red_packet_fen: int = Field(0, ge=0, le=20_000)

    @model_validator(mode="after")
    def _red_packet_amount(self) -> "StreakRewardSet":
        if 0 < self.red_packet_fen < 100:
            raise FieldValueError("red_packet_fen", "红包金额至少 1 元")
        return self


class StreakRewardRead(StreakRewardSet):
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int


class CheckinRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    streak: int
    points: int
    coupon_id: int | None
    red_packet_fen: int = 0
