"""Pure rules of opportunities: default stages, weighted amounts, time spent in each stage."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

# The seed's stages with its percentages (初次沟通 30 %, 样品测试 15 %, 商务洽谈 15 %, 签约 40 %),
# then the two closing stages: (name, probability, is_won, is_lost).
DEFAULT_STAGES: tuple[tuple[str, int, bool, bool], ...] = (
    ("初次沟通", 30, False, False),
    ("样品测试", 15, False, False),
    ("商务洽谈", 15, False, False),
    ("签约", 40, False, False),
    ("赢单", 100, True, False),
    ("输单", 0, False, True),
)
DEFAULT_LOST_REASONS = ("价格过高", "选择了竞品", "需求取消", "联系不上", "其他")


def weighted(amount_fen: int, probability: int) -> int:
    """amount × probability %, rounded half up to the fen."""
    return (amount_fen * probability + 50) // 100


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class ForecastRow:
    key: str | int
    count: int
    amount_fen: int
    weighted_fen: int


def forecast(rows: Iterable[tuple[str | int, int, int, int]]) -> list[ForecastRow]:
    """Sum (key, count, amount, probability) rows per key, weighting each by its probability."""
    totals: dict[str | int, list[int]] = {}
    for key, count, amount, probability in rows:
        total = totals.setdefault(key, [0, 0, 0])
        total[0] += count
        total[1] += amount
        total[2] += weighted(amount, probability)
    return [ForecastRow(k, *v) for k, v in sorted(totals.items(), key=lambda kv: str(kv[0]))]


def stage_seconds(
    visits: Iterable[tuple[int, datetime, datetime | None]], now: datetime
) -> dict[int, int]:
    """Seconds spent per stage over (stage, entered, left or None while there) visits."""
    spent: dict[int, int] = {}
    for stage_id, entered, left in visits:
        seconds = int(((left or now) - entered).total_seconds())
        spent[stage_id] = spent.get(stage_id, 0) + max(seconds, 0)
    return spent
