"""Pydantic I/O of points."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from loyalty.points.models import EntryKind, Lifecycle

IdempotencyKey = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-:.]+$")


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RedemptionCreate(Input):
    points: int = Field(ge=1, le=10**9)
    idempotency_key: str = IdempotencyKey
    reason: str = Field("", max_length=255)


class AdjustmentCreate(Input):
    delta: int = Field(ge=-(10**9), le=10**9, json_schema_extra={"not": {"const": 0}})
    reason: str = Field(min_length=2, max_length=255)
    idempotency_key: str = IdempotencyKey

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("调整积分不能为 0")
        return delta


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: EntryKind
    delta: int
    balance_after: int
    forgiven: int
    source_type: str
    source_id: str
    reason: str
    actor_name: str
    created_at: datetime


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    member_id: int
    balance: int
    lifetime_earned: int
    tier_id: int | None
    tier_since: datetime | None
    lifecycle: Lifecycle
    last_purchase_at: datetime | None
    birthday: date | None


class EntryPage(BaseModel):
    items: list[EntryRead]
    total: int
    page: int
    page_size: int


class MemberAccountRead(BaseModel):
    """A row of the points page: who the member is and what they hold."""

    member_id: int
    name: str
    phone: str | None
    card_no: str | None
    balance: int
    lifetime_earned: int
    tier_id: int | None


class MemberAccountPage(BaseModel):
    items: list[MemberAccountRead]
    total: int
    page: int
    page_size: int
