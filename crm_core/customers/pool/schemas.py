"""Pydantic I/O of the public pool. Pool phones are always masked."""

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from crm_core.customers.models import CustomerLevel, CustomerSource
from crm_core.customers.schemas import Input
from crm_core.validation import FieldValueError, Id

Days = Field(None, ge=1, le=3650)


class PoolCustomerRead(BaseModel):
    id: int
    name: str
    phone: str  # always masked: 138****8000
    level: CustomerLevel
    source: CustomerSource
    industry: str
    tags: list[str]
    previous_owner_id: int | None
    previous_owner_name: str
    pooled_at: datetime | None
    pool_reason: str
    last_followed_at: datetime | None
    trashed_at: datetime | None
    created_at: datetime


class PoolPage(BaseModel):
    items: list[PoolCustomerRead]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class PoolFilter:
    q: str = ""
    level: CustomerLevel | None = None
    trashed: bool = False


class PoolClaimCreate(Input):
    customer_ids: list[Id] = Field(min_length=1, max_length=100)


class PoolAssignCreate(Input):
    customer_ids: list[Id] = Field(min_length=1, max_length=500)
    to_staff_id: Id


class PoolTrashCreate(Input):
    customer_ids: list[Id] = Field(min_length=1, max_length=500)
    reason: str = Field("", max_length=255)


class PoolRestoreCreate(Input):
    customer_ids: list[Id] = Field(min_length=1, max_length=500)


class PoolResult(BaseModel):
    changed: int
    customer_ids: list[int]


class PoolRuleTerms(Input):
    no_follow_up_days: int | None = Days
    no_deal_days: int | None = Days


class PoolRuleUpdate(PoolRuleTerms):
    enabled: bool

    @model_validator(mode="after")
    def _some_clock(self) -> Self:
        if self.enabled and self.no_follow_up_days is None and self.no_deal_days is None:
            raise FieldValueError("no_follow_up_days", "启用的规则至少要设置一个天数")
        return self


class PoolRuleRead(BaseModel):
    level: CustomerLevel
    enabled: bool
    no_follow_up_days: int | None
    no_deal_days: int | None
    updated_at: datetime | None


class PoolDryRunCreate(PoolRuleTerms):
    level: CustomerLevel
    horizon_days: int = Field(30, ge=0, le=365)


class PoolDropRead(BaseModel):
    customer_id: int
    customer_name: str
    owner_id: int
    owner_name: str
    drop_at: datetime
    reason: str


class PoolOwnerDrops(BaseModel):
    owner_id: int
    owner_name: str
    count: int


class PoolDryRunResult(BaseModel):
    level: CustomerLevel
    total: int
    due_now: int
    items: list[PoolDropRead]  # the first 500 by drop date
    by_owner: list[PoolOwnerDrops]


class PoolSettingUpdate(Input):
    claim_batch_max: int = Field(ge=1, le=100)
    claim_daily_quota: int = Field(ge=1, le=1000)
    cooldown_days: int = Field(ge=0, le=365)


class PoolSettingRead(BaseModel):
    claim_batch_max: int
    claim_daily_quota: int
    cooldown_days: int
    claimed_today: int  # by the caller


class PoolSweepResult(BaseModel):
    recycled: int
    reminded: int


class PoolReminderRead(BaseModel):
    customer_id: int
    customer_name: str
    owner_id: int
    owner_name: str
    drop_at: datetime
    reason: str
