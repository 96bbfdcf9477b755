"""Pure rules of the public pool: when an owned customer drops, claim limits, cool-downs.

repository.DROP_AT is the same computation in SQL (the sweep and the dry run are set-based);
tests hold the two to the same answers.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from crm_core.clock import SHANGHAI

NO_FOLLOW_UP = "no_follow_up"
NO_DEAL = "no_deal"
REMIND_BEFORE = timedelta(days=1)
REASON_LABELS = {NO_FOLLOW_UP: "未跟进", NO_DEAL: "未成交"}


@dataclass(frozen=True)
class Terms:
    no_follow_up_days: int | None
    no_deal_days: int | None


@dataclass(frozen=True)
class Clocks:
    created_at: datetime
    owned_at: datetime | None
    last_followed_at: datetime | None
    last_deal_at: datetime | None


def _since(event: datetime | None, clocks: Clocks) -> datetime:
    # A clock starts when the owner got the customer at the earliest: a claimed customer
    # must not drop back at once for what its previous owner failed to do.
    owned = clocks.owned_at or clocks.created_at
    return max(event or clocks.created_at, owned)


def drop_date(terms: Terms, clocks: Clocks) -> tuple[datetime, str] | None:
    """When the customer drops and why (the earlier of the two clocks); None: never."""
    dates: list[tuple[datetime, str]] = []
    if terms.no_follow_up_days is not None:
        since = _since(clocks.last_followed_at, clocks)
        dates.append((since + timedelta(days=terms.no_follow_up_days), NO_FOLLOW_UP))
    if terms.no_deal_days is not None:
        since = _since(clocks.last_deal_at, clocks)
        dates.append((since + timedelta(days=terms.no_deal_days), NO_DEAL))
    return min(dates, key=lambda d: d[0]) if dates else None


def day_start(now: datetime) -> datetime:
    """The start of `now`'s Asia/Shanghai day (daily quotas count from it), aware."""
    return datetime.combine(now.astimezone(SHANGHAI).date(), time(), tzinfo=SHANGHAI)


def cooldown_until(
    claimer_id: int, previous_owner_id: int | None, pooled_at: datetime | None, days: int
) -> datetime | None:
    """Until when the claimer may not take back a customer that dropped from them."""
    if previous_owner_id != claimer_id or pooled_at is None or days <= 0:
        return None
    return pooled_at + timedelta(days=days)
