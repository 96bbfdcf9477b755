"""One timeline of a member for the console: follows and scans, WeChat messages, purchases, and
whatever upper packages add (loyalty adds points, coupons, draws and exchanges).

Each source shows only what the viewer's function permissions allow."""

from collections.abc import Awaitable, Callable

from crm_core.errors import NotFoundError
from crm_core.permissions import Principal
from crm_core.sales import service as sales
from members import service
from wechat.schemas import TimelineEntry
from wechat.service import fans

Source = Callable[[Principal, int], Awaitable[list[TimelineEntry]]]
TOUCH_TITLES = {"follow": "关注（新粉丝）", "refollow": "再次关注", "scan": "扫码"}
_sources: list[Source] = []
LIMIT = 200


def add_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


async def member_timeline(principal: Principal, member_id: int) -> list[TimelineEntry]:
    """Newest first; raises not-found outside the viewer's data scope."""
    _, touches = await service.get_member(principal, member_id)
    entries = [
        TimelineEntry(
            at=t.at, kind="touch", title=TOUCH_TITLES.get(t.kind, t.kind), detail=t.channel
        )
        for t in touches
    ]
    if principal.can("wechat.fan:view"):
        for fan_id in await fans.fan_ids_of_member(member_id):
            try:
                entries += await fans.timeline(principal, fan_id)
            except NotFoundError:
                continue  # a fan of an account outside the viewer's scope
    if principal.can("sales.order:view"):
        for order, store in await sales.orders_of_member(member_id, limit=LIMIT):
            refunded = f"，已退 ¥{order.refunded_fen / 100:g}" if order.refunded_fen else ""
            entries.append(
                TimelineEntry(
                    at=order.paid_at,
                    kind="order",
                    title="消费",
                    detail=f"{store} 单号 {order.order_no} ¥{order.total_fen / 100:g}{refunded}",
                )
            )
    for source in _sources:
        entries += await source(principal, member_id)
    return sorted(entries, key=lambda e: e.at, reverse=True)[:LIMIT]
