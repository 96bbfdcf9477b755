"""Loyalty's part of the member timeline in the console: points, coupons, draws, exchanges."""

from crm_core.permissions import Principal
from loyalty.coupons.models import Coupon
from loyalty.lottery.models import Draw, DrawOutcome
from loyalty.mall.models import MallOrder
from loyalty.points.models import PointsEntry
from loyalty.points.rules import ENTRY_TITLES
from wechat.schemas import TimelineEntry

LIMIT = 100
OUTCOMES = {
    DrawOutcome.WIN: "中奖",
    DrawOutcome.NONE: "未中奖",
    DrawOutcome.OUT_OF_STOCK: "奖品已抽完",
    DrawOutcome.WIN_LIMIT: "已达中奖上限",
}


async def loyalty_timeline(principal: Principal, member_id: int) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    if principal.can("loyalty.points:view"):
        for e in (
            await PointsEntry.filter(account__member_id=member_id).order_by("-id").limit(LIMIT)
        ):
            what = ENTRY_TITLES.get(e.kind.value, e.kind.value) + (
                f"，{e.reason}" if e.reason else ""
            )
            entries.append(
                TimelineEntry(
                    at=e.created_at,
                    kind="points",
                    title=f"积分 {e.delta:+d}",
                    detail=f"{what}，余额 {e.balance_after}",
                )
            )
    if principal.can("loyalty.coupon:view"):
        for c in (
            await Coupon.filter(member_id=member_id)
            .order_by("-id")
            .limit(LIMIT)
            .prefetch_related("template")
        ):
            entries.append(
                TimelineEntry(
                    at=c.issued_at,
                    kind="coupon",
                    title="获得优惠券",
                    detail=f"{c.template.name}（{c.code}）",
                )
            )
            if c.used_at is not None:
                entries.append(
                    TimelineEntry(
                        at=c.used_at,
                        kind="coupon",
                        title="核销优惠券",
                        detail=f"{c.template.name}，单号 {c.used_order_no}",
                    )
                )
    if principal.can("loyalty.lottery:view"):
        draws = (
            await Draw.filter(member_id=member_id)
            .order_by("-id")
            .limit(LIMIT)
            .prefetch_related("activity")
        )
        entries.extend(
            TimelineEntry(
                at=d.created_at,
                kind="draw",
                title=f"大转盘：{OUTCOMES.get(d.outcome, d.outcome)}",
                detail=d.activity.name,
            )
            for d in draws
        )
    if principal.can("loyalty.mall:view"):
        orders = (
            await MallOrder.filter(member_id=member_id)
            .order_by("-id")
            .limit(LIMIT)
            .prefetch_related("item")
        )
        entries.extend(
            TimelineEntry(
                at=o.created_at,
                kind="mall",
                title="积分兑换",
                detail=f"{o.item.name}，{o.points} 积分",
            )
            for o in orders
        )
    return entries
