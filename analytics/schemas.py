"""Pydantic I/O of analytics: the workbench."""

from datetime import date

from pydantic import BaseModel


class KpiRead(BaseModel):
    today: int
    last_30_days: int
    previous_30_days: int


class TrendRead(BaseModel):
    """Shanghai days, oldest first; every series has one value per date, zero-filled."""

    dates: list[date]
    series: dict[str, list[int]]


class RankRow(BaseModel):
    id: int
    name: str
    value: int


class RankingsRead(BaseModel):
    """Top 10 in the last 30 days; sales in fen. Lists absent without the permission."""

    guides_by_new_fans: list[RankRow] | None = None
    guides_by_sales_fen: list[RankRow] | None = None
    stores_by_new_fans: list[RankRow] | None = None
    stores_by_sales_fen: list[RankRow] | None = None


class QrRow(BaseModel):
    id: int
    name: str
    scans: int
    new_follows: int


class MarketingRead(BaseModel):
    qrcodes: list[QrRow] | None = None
    lottery_draws: int | None = None
    lottery_awards: int | None = None
    coupons_issued: int | None = None
    coupons_used: int | None = None


class GuideRead(BaseModel):
    """The caller's own figures, when the caller is a guide."""

    fans: int
    new_fans_trend: list[int]
    unanswered_conversations: int
    pending_fulfilments: int | None = None


class WorkbenchRead(BaseModel):
    """Sections and metrics appear only when the caller holds the permission behind them;
    every figure is within the caller's data scope."""

    today: date
    kpis: dict[str, KpiRead]
    trend: TrendRead
    rankings: RankingsRead | None = None
    marketing: MarketingRead | None = None
    guide: GuideRead | None = None
