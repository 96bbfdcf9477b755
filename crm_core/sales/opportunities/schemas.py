"""Pydantic I/O of opportunities, their stages, lost reasons and reports."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_core.sales.opportunities.models import OpportunityStatus
from crm_core.validation import FieldValueError, Id

# Up to 100 billion yuan in fen: far above any deal, far below bigint.
MAX_AMOUNT_FEN = 10**13


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StageCreate(Input):
    name: str = Field(min_length=1, max_length=32)
    position: int = Field(0, ge=0, le=1000)
    probability: int = Field(ge=0, le=100)
    is_won: bool = False
    is_lost: bool = False

    @model_validator(mode="after")
    def one_outcome(self) -> Self:
        if self.is_won and self.is_lost:
            raise FieldValueError("is_lost", "一个阶段不能既是赢单又是输单")
        return self


class StageUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=32)
    position: int | None = Field(None, ge=0, le=1000)
    probability: int | None = Field(None, ge=0, le=100)


class StageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    position: int
    probability: int
    is_won: bool
    is_lost: bool


class LostReasonCreate(Input):
    name: str = Field(min_length=1, max_length=32)


class LostReasonUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=32)
    is_active: bool | None = None


class LostReasonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    position: int
    is_active: bool


class OpportunityFields(Input):
    name: str = Field(min_length=1, max_length=128)
    amount_fen: int = Field(ge=0, le=MAX_AMOUNT_FEN)
    expected_close_date: date


class OpportunityCreate(OpportunityFields):
    customer_id: Id
    # The first open stage when omitted; the caller when no owner is named.
    stage_id: Id | None = None
    owner_id: Id | None = None


class OpportunityUpdate(Input):
    """Stages move through /stage, /win and /lose; owners do not change here."""

    name: str | None = Field(None, min_length=1, max_length=128)
    amount_fen: int | None = Field(None, ge=0, le=MAX_AMOUNT_FEN)
    expected_close_date: date | None = None


class StageMove(Input):
    stage_id: Id


class LoseRequest(Input):
    lost_reason_id: Id
    note: str = Field("", max_length=255)


class OpportunityRead(BaseModel):
    id: int
    customer_id: int
    customer_name: str
    name: str
    amount_fen: int
    expected_close_date: date
    stage_id: int
    stage_name: str
    probability: int
    status: OpportunityStatus
    owner_id: int
    owner_name: str
    lead_id: int | None
    stage_entered_at: datetime | None
    won_at: datetime | None
    lost_at: datetime | None
    lost_reason_id: int | None
    lost_reason: str
    lost_note: str
    created_at: datetime
    updated_at: datetime


class OpportunityPage(BaseModel):
    items: list[OpportunityRead]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class OpportunityFilter:
    q: str = ""
    stage_id: int | None = None
    status: OpportunityStatus | None = None
    owner_id: int | None = None
    customer_id: int | None = None


class VisitRead(BaseModel):
    stage_id: int
    stage_name: str
    entered_at: datetime
    left_at: datetime | None
    seconds: int
    by_staff_name: str


class StageTime(BaseModel):
    stage_id: int
    stage_name: str
    seconds: int


class HistoryRead(BaseModel):
    visits: list[VisitRead]
    totals: list[StageTime]


class FunnelRow(BaseModel):
    stage_id: int
    stage_name: str
    probability: int
    is_won: bool
    is_lost: bool
    count: int
    amount_fen: int


class ForecastMonth(BaseModel):
    month: str
    count: int
    amount_fen: int
    weighted_fen: int


class ForecastOwner(BaseModel):
    owner_id: int
    owner_name: str
    count: int
    amount_fen: int
    weighted_fen: int


class ForecastRead(BaseModel):
    by_month: list[ForecastMonth]
    by_owner: list[ForecastOwner]
    weighted_fen: int
