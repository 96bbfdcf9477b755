"""Named queries of the public pool: its one scope rule, and the set-based sweep and dry run.

The drop date in SQL is rules.drop_date: per clock, the later of the event and the day the owner
got the customer, plus the rule's days; the earlier clock wins (a tie is "no follow-up").
"""

from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core.customers.models import Customer, TransferRecord
from crm_core.customers.pool.schemas import PoolFilter
from crm_core.customers.repository import keyword_filter
from crm_core.org.scope import staff_in_scope
from crm_core.permissions import Principal


def pool_filter(principal: Principal, *, trashed: bool = False) -> Q:
    """The one scope rule of the pool: it is the whole brand's (公海), so every customer without
    an owner is in every caller's reach; trashed ones (回收站) are listed apart."""
    del principal  # one pool for the brand: no department limits it
    return Q(owner_id=None, trashed_at__isnull=not trashed)


def filtered(principal: Principal, f: PoolFilter) -> QuerySet[Customer]:
    query = Customer.filter(pool_filter(principal, trashed=f.trashed))
    if f.q.strip():
        query = query.filter(keyword_filter(f.q.strip()))
    if f.level is not None:
        query = query.filter(level=f.level)
    return query


async def owners_in_scope(principal: Principal) -> list[int] | None:
    """The staff whose customers the caller may sweep or preview (None: everyone's)."""
    if principal.department_ids is None:
        return None
    ids: list[int] = await staff_in_scope(principal).values_list("id", flat=True)  # type: ignore[assignment]
    return ids


async def claimed_since(staff_id: int, since: datetime) -> int:
    """Customers the staff member took from the pool themself since `since` (the daily quota)."""
    return await TransferRecord.filter(
        from_staff_id=None, to_staff_id=staff_id, by_staff_id=staff_id, at__gte=since
    ).count()


def _clock(event: str, days: str) -> str:
    since = f"GREATEST(COALESCE(c.{event}, c.created_at), COALESCE(c.owned_at, c.created_at))"
    return f"CASE WHEN {days} IS NOT NULL THEN {since} + make_interval(days => {days}) END"


def _drops(follow_days: str, deal_days: str, level: str) -> str:
    """FROM … WHERE of owned, untrashed customers with their drop date `d.drop_at` and reason."""
    return f"""
    FROM crm_customer c {level}
    CROSS JOIN LATERAL (SELECT {_clock("last_followed_at", follow_days)} AS fd,
                               {_clock("last_deal_at", deal_days)} AS dd) k
    CROSS JOIN LATERAL (SELECT LEAST(k.fd, k.dd) AS drop_at,
        CASE WHEN k.fd IS NOT NULL AND (k.dd IS NULL OR k.fd <= k.dd)
             THEN 'no_follow_up' ELSE 'no_deal' END AS reason) d
    WHERE c.owner_id IS NOT NULL AND c.trashed_at IS NULL
      AND ($2::int[] IS NULL OR c.owner_id = ANY($2::int[]))"""


# The enabled rules, joined per level ($1 now, $2 the owners in scope or NULL).
_RULED = _drops(
    "r.no_follow_up_days",
    "r.no_deal_days",
    "JOIN crm_pool_rule r ON r.level = c.level AND r.enabled",
)


def _drop_at(follow_days: str, deal_days: str) -> str:
    return f"LEAST({_clock('last_followed_at', follow_days)}, {_clock('last_deal_at', deal_days)})"


def _reason(follow_days: str, deal_days: str) -> str:
    follow, deal = _clock("last_followed_at", follow_days), _clock("last_deal_at", deal_days)
    return (
        f"CASE WHEN ({follow}) IS NOT NULL AND (({deal}) IS NULL OR ({follow}) <= ({deal})) "
        "THEN 'no_follow_up' ELSE 'no_deal' END"
    )


# One UPDATE with the whole condition in its WHERE: PostgreSQL re-checks it on any row changed
# meanwhile (a follow-up committed while the sweep ran keeps its customer), and no separate
# locking pass is needed. SET reads the old values: previous_owner_id keeps who had it.
_RULE = ("r.no_follow_up_days", "r.no_deal_days")
SWEEP = f"""
WITH moved AS (
    UPDATE crm_customer c SET previous_owner_id = c.owner_id, owner_id = NULL,
        pooled_at = $1, pool_reason = {_reason(*_RULE)}, updated_at = $1
    FROM crm_pool_rule r
    WHERE r.level = c.level AND r.enabled AND c.owner_id IS NOT NULL AND c.trashed_at IS NULL
      AND ($2::int[] IS NULL OR c.owner_id = ANY($2::int[]))
      AND {_drop_at(*_RULE)} <= $1
    RETURNING c.id, c.previous_owner_id AS from_id, c.pool_reason AS reason
), history AS (
    INSERT INTO crm_customer_transfer (customer_id, from_staff_id, to_staff_id, by_staff_id,
                                       reason, at)
    SELECT id, from_id, NULL, $3::int,
           CASE reason WHEN 'no_follow_up' THEN '超期未跟进，掉入公海'
                       ELSE '超期未成交，掉入公海' END,
           $1
    FROM moved
)
SELECT id, from_id FROM moved ORDER BY id
"""  # noqa: S608 - no user input: fixed fragments
REMIND = f"""
INSERT INTO crm_pool_reminder (customer_id, owner_id, drop_at, reason, created_at)
SELECT c.id, c.owner_id, d.drop_at, d.reason, $1 {_RULED}
  AND d.drop_at > $1 AND d.drop_at <= $1 + interval '1 day'
ON CONFLICT (customer_id, owner_id, drop_at) DO NOTHING
RETURNING customer_id
"""
# A proposed rule ($3 follow-up days, $4 deal days) for one level ($5), up to $6.
_PROPOSED = _drops("$3::int", "$4::int", "") + " AND c.level = $5 AND d.drop_at <= $6"
DRY_RUN_ROWS = f"""
SELECT c.id, c.name, c.owner_id, d.drop_at, d.reason, d.drop_at <= $1 AS due {_PROPOSED}
ORDER BY d.drop_at, c.id LIMIT 500
"""
DRY_RUN_OWNERS = f"""
SELECT c.owner_id, count(*) AS n, count(*) FILTER (WHERE d.drop_at <= $1) AS due {_PROPOSED}
GROUP BY c.owner_id ORDER BY n DESC, c.owner_id
"""


async def sweep(now: datetime, owners: list[int] | None, by: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        SWEEP, [now, owners, by]
    )
    return rows


async def remind(now: datetime, owners: list[int] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        REMIND, [now, owners]
    )
    return rows


async def dry_run(
    now: datetime,
    owners: list[int] | None,
    terms: tuple[int | None, int | None],
    level: str,
    until: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    db = connections.get("default")
    params = [now, owners, terms[0], terms[1], level, until]
    rows = await db.execute_query_dict(DRY_RUN_ROWS, params)
    return rows, await db.execute_query_dict(DRY_RUN_OWNERS, params)


async def mark_deal(customer_id: int, at: datetime) -> None:
    # GREATEST skips NULL: the first deal sets the clock, an older one never moves it back.
    await connections.get("default").execute_query(
        "UPDATE crm_customer SET last_deal_at = GREATEST(last_deal_at, $2) WHERE id = $1",
        [customer_id, at],
    )


async def ensure_rule(level: str, now: datetime) -> None:
    await connections.get("default").execute_query(
        "INSERT INTO crm_pool_rule (level, enabled, updated_at) VALUES ($1, false, $2)"
        " ON CONFLICT (level) DO NOTHING",
        [level, now],
    )


async def ensure_setting(now: datetime) -> None:
    await connections.get("default").execute_query(
        "INSERT INTO crm_pool_setting (id, claim_batch_max, claim_daily_quota, cooldown_days,"
        " updated_at) VALUES (1, 10, 20, 7, $1) ON CONFLICT (id) DO NOTHING",
        [now],
    )
