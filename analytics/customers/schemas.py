"""Customer analysis I/O (money in fen)."""

from datetime import date

from pydantic import BaseModel


class ClassCount(BaseModel):
    code: str
    label: str
    members: int
    monetary_fen: int


class RfmMemberRead(BaseModel):
    member_id: int
    name: str
    phone_masked: str
    recency_days: int
    frequency: int
    monetary_fen: int
    r_score: int
    f_score: int
    m_score: int
    rfm_class: str
    rfm_label: str
    interval_days: int | None
    churn_risk: bool
    computed_on: date


class RfmMemberPage(BaseModel):
    items: list[RfmMemberRead]
    total: int
    page: int
    page_size: int


class BreakdownRow(BaseModel):
    key: str
    buyers: int
    churned: int


class ChurnRead(BaseModel):
    churn_days: int
    buyers: int
    churned: int
    at_risk: int
    trend: list[BreakdownRow]
    breakdowns: dict[str, list[BreakdownRow]]


class AcquisitionRow(BaseModel):
    month: str
    key: str
    members: int
