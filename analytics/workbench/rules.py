"""Pure calculations of the workbench: the Shanghai-day windows and the daily series."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crm_core.clock import SHANGHAI

DAYS = 30


@dataclass(frozen=True)
class Window:
    """Today, the last 30 Shanghai days (today included) and the 30 before them."""

    today: date

    @property
    def first(self) -> date:
        return self.today - timedelta(days=DAYS - 1)

    @property
    def previous_first(self) -> date:
        return self.today - timedelta(days=2 * DAYS - 1)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(DAYS)]

    def since(self) -> datetime:
        """The start (UTC) of the oldest day counted: the previous window's first day."""
        return start_of(self.previous_first)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Kpi:
    today: int
    last_30_days: int
    previous_30_days: int


def by_day(rows: Iterable[tuple[date, int]]) -> Counter[date]:
    totals: Counter[date] = Counter()
    for day, value in rows:
        totals[day] += value
    return totals


def kpi(totals: Counter[date], window: Window) -> Kpi:
    current = sum(v for d, v in totals.items() if window.first <= d <= window.today)
    previous = sum(v for d, v in totals.items() if window.previous_first <= d < window.first)
    return Kpi(totals.get(window.today, 0), current, previous)


def series(totals: Counter[date], window: Window) -> list[int]:
    """One value per day of the window, oldest first, zero where nothing happened."""
    return [totals.get(day, 0) for day in window.days()]


def top(totals: Counter[int], limit: int = 10) -> list[tuple[int, int]]:
    """The largest first; ties by the smaller id, so the order is stable."""
    ranked = sorted(((k, v) for k, v in totals.items() if v), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:limit]
