"""Named queries of the points ledger: locks, lots, windows and the invariant check."""

from datetime import datetime

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery

from crm_core import clock
from loyalty.errors import LoyaltyMemberNotFoundError
from loyalty.points.models import Account, EntryKind, LotStatus, PointsEntry, PointsLot

EARNING_KINDS = [
    k
    for k in EntryKind
    if k
    not in {
        EntryKind.REDEEM,
        EntryKind.LOTTERY_COST,
        EntryKind.MALL,
        EntryKind.REFUND,
        EntryKind.EXPIRE,
        EntryKind.ADJUST,
    }
]


async def lock_account(member_id: int) -> Account:
    """The member's account row, locked until the transaction ends; created on first use.

    Every change to a member's points, coupons, draws or exchanges takes this lock first, so
    per-member limits are plain counts and locks are always taken in the same order.
    """
    account = await Account.select_for_update().get_or_none(member_id=member_id)
    if account is not None:
        return account
    base = await _base_tier_id()
    try:
        await connections.get("default").execute_query(
            "INSERT INTO loyalty_account (member_id, balance, lifetime_earned, tier_id, "
            "tier_since, lifecycle, created_at) VALUES ($1, 0, 0, $2, $3, 'new', $3) "
            "ON CONFLICT (member_id) DO NOTHING",
            [member_id, base, clock.utc_now()],
        )
    except IntegrityError as error:
        raise LoyaltyMemberNotFoundError() from error
    return await Account.select_for_update().get(member_id=member_id)


async def _base_tier_id() -> int | None:
    from loyalty.program.models import Tier

    tier = await Tier.filter(threshold=0).order_by("rank").first()
    return tier.id if tier else None


async def entry_by_key(key: str) -> PointsEntry | None:
    return await PointsEntry.get_or_none(idempotency_key=key)


async def lot_of(entry_id: int) -> int:
    lot = await PointsLot.get(entry_id=entry_id)
    return int(lot.id)


async def spendable_lots(account_id: int) -> list[PointsLot]:
    return await PointsLot.filter(account_id=account_id, status=LotStatus.ACTIVE, remaining__gt=0)


async def accounts_with_due_lots(now: datetime, limit: int = 500) -> list[int]:
    rows = (
        await PointsLot.filter(status=LotStatus.ACTIVE, expires_at__lte=now)
        .distinct()
        .limit(limit)
        .values_list("account_id", flat=True)
    )
    return [int(str(r)) for r in rows]


async def due_lots(account_id: int, now: datetime) -> list[PointsLot]:
    return await PointsLot.filter(
        account_id=account_id, status=LotStatus.ACTIVE, expires_at__lte=now
    ).order_by("expires_at", "id")


async def earned_since(account_id: int, since: datetime) -> int:
    """Points earned in a window, net of refund reversals (the points tier basis)."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT coalesce(sum(delta - forgiven), 0) AS earned FROM loyalty_points_entry "
        "WHERE account_id = $1 AND created_at >= $2 AND kind = ANY($3::text[])",
        [account_id, since, [k.value for k in (*EARNING_KINDS, EntryKind.REFUND)]],
    )
    return int(rows[0]["earned"])


async def entries_for(
    member_id: int, *, page: int, page_size: int
) -> tuple[list[PointsEntry], int]:
    query = PointsEntry.filter(account__member_id=member_id)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return rows, total


INVARIANTS_SQL = """
SELECT 'balance_vs_ledger' AS rule, a.id AS account_id FROM loyalty_account a
  LEFT JOIN (SELECT account_id, sum(delta) AS s FROM loyalty_points_entry GROUP BY account_id) e
  ON e.account_id = a.id WHERE a.balance <> coalesce(e.s, 0)
UNION ALL
SELECT 'balance_vs_lots', a.id FROM loyalty_account a
  LEFT JOIN (SELECT account_id, sum(remaining) AS s FROM loyalty_points_lot
             WHERE status = 'active' GROUP BY account_id) l
  ON l.account_id = a.id WHERE a.balance <> coalesce(l.s, 0)
UNION ALL
SELECT 'allocations_vs_debit', e.account_id FROM loyalty_points_entry e
  LEFT JOIN (SELECT entry_id, sum(amount) AS s FROM loyalty_lot_allocation GROUP BY entry_id) x
  ON x.entry_id = e.id WHERE e.delta < 0 AND -e.delta <> coalesce(x.s, 0)
UNION ALL
SELECT 'lot_vs_allocations', l.account_id FROM loyalty_points_lot l
  LEFT JOIN (SELECT lot_id, sum(amount) AS s FROM loyalty_lot_allocation GROUP BY lot_id) x
  ON x.lot_id = l.id WHERE l.original - coalesce(x.s, 0) <> l.remaining
UNION ALL
SELECT 'balance_after_chain', e.account_id FROM loyalty_points_entry e
  WHERE e.balance_after <> (SELECT sum(p.delta) FROM loyalty_points_entry p
                            WHERE p.account_id = e.account_id AND p.id <= e.id)
"""


async def invariant_violations() -> list[tuple[str, int]]:
    """LG-5: every rule that fails, with the account it fails for; empty when all hold."""
    rows = await connections.get("default").execute_query_dict(INVARIANTS_SQL)
    return [(str(r["rule"]), int(r["account_id"])) for r in rows]


def tier_filter(tier_id: int) -> Q:
    """The members whose points account holds this tier (the member list's tier filter)."""
    return Q(id__in=Subquery(Account.filter(tier_id=tier_id).values("member_id")))
