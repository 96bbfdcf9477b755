"""Review tasks: each one service call, idempotent, carrying plain values only."""

from datetime import date, timedelta

from analytics.reviews import service
from crm_core import clock
from crm_core.celery import task


@task("analytics.rollup_review_terms")
async def rollup_review_terms(day: str) -> int:
    """Rebuild one local day's term rollup (running it twice changes nothing)."""
    return await service.rollup_day(date.fromisoformat(day))


@task("analytics.rollup_recent_review_terms")
async def rollup_recent_review_terms() -> int:
    """Beat safety net: today and yesterday, in case a per-review job was lost."""
    today = clock.local_now().date()
    return await service.rollup_range(today - timedelta(days=1), today)
