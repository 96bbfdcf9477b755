"""The workbench's named read queries over the lower packages' tables, each within the caller's
data scope (`crm_core/org/scope.py`, members' scope for member-bound rows). Rows come back as
plain tuples since `rules` does the counting per Shanghai day."""

from datetime import date, datetime
from typing import Any

from tortoise.expressions import Q

from crm_core.org.models import Staff, Store
from crm_core.org.scope import rows_filter
from crm_core.permissions import Principal
from crm_core.sales.models import SalesOrder
from loyalty.coupons.models import Coupon
from loyalty.lottery.models import Award, AwardStatus, Draw
from loyalty.mall.models import ExchangeStatus, MallOrder
from loyalty.points.models import PointsEntry
from members import service as members_service
from members.models import Member
from wechat.models import Fan, QrDailyStat


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def _scoped(principal: Principal, *, store: str, staff: str | None = None) -> Q:
    scope = rows_filter(principal, store=store, staff=staff)
    return Q() if scope is None else scope


async def new_fans(
    principal: Principal, since: datetime
) -> list[tuple[datetime, int | None, int | None]]:
    """(first follow, store, guide) of fans who first followed since `since`."""
    query = Fan.filter(_scoped(principal, store="store_id", staff="guide_id"))
    rows = await query.filter(first_subscribed_at__gte=since).values_list(
        "first_subscribed_at", "store_id", "guide_id"
    )
    return [(at, _id(store), _id(guide)) for at, store, guide in rows]


async def new_members(principal: Principal, since: datetime) -> list[datetime]:
    query = Member.filter(await members_service.scope_filter(principal), merged_into_id=None)
    rows = await query.filter(created_at__gte=since).values_list("created_at")
    return [row[0] for row in rows]


async def sales(
    principal: Principal, since: datetime
) -> list[tuple[datetime, int, int | None, int]]:
    """(paid at, store, member, net fen) of orders paid since `since`."""
    query = SalesOrder.filter(_scoped(principal, store="store_id"), paid_at__gte=since)
    rows = await query.values_list("paid_at", "store_id", "member_id", "total_fen", "refunded_fen")
    return [
        (at, int(store), _id(member), int(total) - int(refunded))
        for at, store, member, total, refunded in rows
    ]


async def first_guides(member_ids: set[int]) -> dict[int, int]:
    rows = await Member.filter(
        id__in=list(member_ids), first_guide_id__not_isnull=True
    ).values_list("id", "first_guide_id")
    return {int(m): int(g) for m, g in rows}


async def points(principal: Principal, since: datetime) -> list[tuple[datetime, str, int]]:
    scope = await members_service.member_rows(principal, "account__member_id")
    rows = await PointsEntry.filter(scope, created_at__gte=since).values_list(
        "created_at", "kind", "delta"
    )
    return [(at, str(kind), int(delta)) for at, kind, delta in rows]


async def qr_stats(
    principal: Principal, first: date, last: date
) -> list[tuple[int, str, int, int]]:
    scope = _scoped(principal, store="qrcode__store_id", staff="qrcode__guide_id")
    rows = await QrDailyStat.filter(scope, day__gte=first, day__lte=last).values_list(
        "qrcode_id", "qrcode__name", "scans", "new_follows"
    )
    return [(int(i), str(n), int(s), int(f)) for i, n, s, f in rows]


async def lottery_counts(principal: Principal, first: date, since: datetime) -> tuple[int, int]:
    scope = await members_service.member_rows(principal)
    draws = await Draw.filter(scope, day__gte=first).count()
    awards = await Award.filter(scope, created_at__gte=since).count()
    return draws, awards


async def coupon_counts(principal: Principal, since: datetime) -> tuple[int, int]:
    scope = await members_service.member_rows(principal)
    issued = await Coupon.filter(scope, issued_at__gte=since).count()
    used = await Coupon.filter(scope, used_at__gte=since).count()
    return issued, used


async def pending_fulfilments(principal: Principal) -> int:
    scope = await members_service.member_rows(principal)
    waiting = (AwardStatus.AWAITING_ADDRESS, AwardStatus.AWAITING_SHIPMENT)
    awards = await Award.filter(scope, status__in=waiting).count()
    orders = await MallOrder.filter(scope, status=ExchangeStatus.AWAITING_SHIPMENT).count()
    return awards + orders


async def is_guide(staff_id: int) -> bool:
    return await Staff.filter(id=staff_id, is_guide=True).exists()


async def own_fans(staff_id: int) -> int:
    return await Fan.filter(guide_id=staff_id, subscribed=True).count()


async def staff_names(ids: list[int]) -> dict[int, str]:
    return {int(i): str(n) for i, n in await Staff.filter(id__in=ids).values_list("id", "name")}


async def store_names(ids: list[int]) -> dict[int, str]:
    return {int(i): str(n) for i, n in await Store.filter(id__in=ids).values_list("id", "name")}
