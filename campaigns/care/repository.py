"""Named queries care messages need from the layers below: who, and the event's details."""

from datetime import datetime
from typing import Any

from tortoise import connections

from loyalty.coupons.models import Coupon
from loyalty.points.models import PointsEntry
from loyalty.program.models import Tier
from members.models import Member


async def member_values(member_id: int) -> dict[str, Any] | None:
    return (await member_values_of([member_id])).get(member_id)


async def member_values_of(member_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Placeholder values of each member not merged away, in two queries."""
    # One plain query: a campaign's sender reads 50 members at a time (bench/campaigns.py).
    rows = await connections.get("default").execute_query_dict(
        "SELECT m.id, m.name, m.card_no, a.balance, t.name AS tier FROM members_member m"
        " LEFT JOIN loyalty_account a ON a.member_id = m.id"
        " LEFT JOIN loyalty_tier t ON t.id = a.tier_id"
        " WHERE m.id = ANY($1::int[]) AND m.merged_into_id IS NULL",
        [member_ids],
    )
    return {
        int(row["id"]): {
            "name": row["name"] or "会员",
            "card_no": row["card_no"] or "",
            "points": row["balance"] or 0,
            "tier": row["tier"] or "",
        }
        for row in rows
    }


async def points_entry(entry_id: int) -> tuple[int, dict[str, Any]] | None:
    entry = await PointsEntry.get_or_none(id=entry_id).prefetch_related("account")
    if entry is None:
        return None
    return entry.account.member_id, {"delta": entry.delta, "points": entry.balance_after}


async def tier_ranks(*tier_ids: int | None) -> dict[int, tuple[int, str]]:
    ids = [t for t in tier_ids if t is not None]
    rows = await Tier.filter(id__in=ids).values_list("id", "rank", "name")
    return {int(i): (int(rank), str(name)) for i, rank, name in rows}


async def coupon(coupon_id: int) -> tuple[int, dict[str, Any]] | None:
    row = await Coupon.get_or_none(id=coupon_id).prefetch_related("template")
    if row is None:
        return None
    expires: datetime = row.valid_until
    return row.member_id, {"coupon": row.template.name, "expires": expires}


async def birthdays() -> list[tuple[int, Any, str, int | None, int | None]]:
    rows = await Member.filter(birthday__not_isnull=True, merged_into_id=None).values_list(
        "id", "birthday", "birthday_calendar", "lunar_birth_month", "lunar_birth_day"
    )
    return [(int(i), b, str(c), m, d) for i, b, c, m, d in rows]


async def active_member_ids(after_id: int, limit: int) -> list[int]:
    rows = await (
        Member.filter(merged_into_id=None, id__gt=after_id)
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    return [int(str(r)) for r in rows]
