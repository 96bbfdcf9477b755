"""Pure tier and lifecycle rules."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalty.points.models import Lifecycle


@dataclass(frozen=True)
class TierRule:
    id: int
    rank: int
    threshold: int


def tier_for(tiers: Sequence[TierRule], metric: int) -> TierRule | None:
    """The highest-ranked tier whose threshold the metric reaches."""
    reached = [t for t in tiers if metric >= t.threshold]
    return max(reached, key=lambda t: t.rank) if reached else None


def progress_percent(metric: int, current: int, target: int) -> int:
    """How far the metric has come from the current tier's threshold to the next one."""
    if target <= current:
        return 100
    return max(0, min(100, (metric - current) * 100 // (target - current)))


def is_upgrade(current: TierRule | None, new: TierRule | None) -> bool:
    if new is None:
        return False
    return current is None or new.rank > current.rank


@dataclass(frozen=True)
class LifecycleThresholds:
    new_days: int
    dormant_days: int
    churned_days: int


def lifecycle_stage(
    *,
    joined_at: datetime,
    last_purchase_at: datetime | None,
    now: datetime,
    thresholds: LifecycleThresholds,
) -> Lifecycle:
    """New until the first purchase (or new_days pass); then by days since the last purchase."""
    if last_purchase_at is None:
        if now - joined_at < timedelta(days=thresholds.new_days):
            return Lifecycle.NEW
        last_purchase_at = joined_at
    idle = now - last_purchase_at
    if idle >= timedelta(days=thresholds.churned_days):
        return Lifecycle.CHURNED
    if idle >= timedelta(days=thresholds.dormant_days):
        return Lifecycle.DORMANT
    return Lifecycle.ACTIVE
