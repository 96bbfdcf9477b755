"""Excel/CSV exports of the loyalty ledgers: points entries, coupons, mall orders, prize awards.

Rows are those of members in the caller's data scope (they carry names, phones and addresses);
each export is audited with its row count and format."""

from collections.abc import Awaitable, Callable, Sequence

from crm_core import audit
from crm_core.export_jobs.schemas import NoFilter
from crm_core.export_jobs.service import ExportSource
from crm_core.exports import Format, Table, render
from crm_core.permissions import Principal
from loyalty.coupons.models import Coupon
from loyalty.labels import ENTRY_KIND_LABELS, KIND_LABELS, STATUS_LABELS
from loyalty.lottery.models import Award
from loyalty.mall.models import MallOrder
from loyalty.points.models import PointsEntry
from members import service as members_service

MAX_ROWS = 50_000


async def _done(principal: Principal, action: str, table: Table, fmt: Format) -> bytes:
    body = render(table, fmt)
    await audit.record(
        audit.actor_of(principal), action, after={"rows": len(table.rows), "format": fmt}
    )
    return body


def _label(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value)


async def export_points_entries(principal: Principal, fmt: Format) -> bytes:
    scope = await members_service.member_rows(principal, "account__member_id")
    rows = (
        await PointsEntry.filter(scope)
        .order_by("-id")
        .limit(MAX_ROWS)
        .values_list(
            "id",
            "account__member_id",
            "kind",
            "delta",
            "balance_after",
            "reason",
            "actor_name",
            "created_at",
        )
    )
    header = ["流水号", "会员编号", "类型", "积分变动", "变动后余额", "原因", "操作人", "时间"]
    body: list[Sequence[object]] = [
        [i, m, _label(ENTRY_KIND_LABELS, k), d, b, r, a, t] for i, m, k, d, b, r, a, t in rows
    ]
    return await _done(principal, "points.export", Table(header, body), fmt)


async def export_coupons(principal: Principal, fmt: Format) -> bytes:
    rows = (
        await Coupon.filter(await members_service.member_rows(principal))
        .order_by("-id")
        .limit(MAX_ROWS)
        .values_list(
            "code",
            "template__name",
            "template__kind",
            "member_id",
            "status",
            "issued_at",
            "valid_until",
            "used_at",
            "used_order_no",
        )
    )
    header = [
        "券码",
        "券名称",
        "类型",
        "会员编号",
        "状态",
        "发放时间",
        "有效期至",
        "核销时间",
        "核销单号",
    ]
    body: list[Sequence[object]] = [
        [c, n, _label(KIND_LABELS, k), m, _label(STATUS_LABELS, s), i, v, u, o]
        for c, n, k, m, s, i, v, u, o in rows
    ]
    return await _done(principal, "coupon.export", Table(header, body), fmt)


async def export_mall_orders(principal: Principal, fmt: Format) -> bytes:
    rows = (
        await MallOrder.filter(await members_service.member_rows(principal))
        .order_by("-id")
        .limit(MAX_ROWS)
        .values_list(
            "id",
            "item__name",
            "member_id",
            "points",
            "status",
            "recipient",
            "phone",
            "address",
            "tracking_no",
            "created_at",
        )
    )
    header = [
        "订单号",
        "商品",
        "会员编号",
        "消耗积分",
        "状态",
        "收件人",
        "电话",
        "地址",
        "快递单号",
        "兑换时间",
    ]
    body: list[Sequence[object]] = [
        [i, n, m, p, _label(STATUS_LABELS, s), r, ph, a, t, c]
        for i, n, m, p, s, r, ph, a, t, c in rows
    ]
    return await _done(principal, "mall_order.export", Table(header, body), fmt)


async def export_awards(principal: Principal, fmt: Format) -> bytes:
    rows = (
        await Award.filter(await members_service.member_rows(principal))
        .order_by("-id")
        .limit(MAX_ROWS)
        .values_list(
            "id",
            "activity_id",
            "prize__name",
            "member_id",
            "status",
            "recipient",
            "phone",
            "address",
            "tracking_no",
            "created_at",
        )
    )
    header = [
        "中奖编号",
        "活动编号",
        "奖品",
        "会员编号",
        "状态",
        "收件人",
        "电话",
        "地址",
        "快递单号",
        "中奖时间",
    ]
    body: list[Sequence[object]] = [
        [i, act, n, m, _label(STATUS_LABELS, s), r, ph, a, t, c]
        for i, act, n, m, s, r, ph, a, t, c in rows
    ]
    return await _done(principal, "lottery_award.export", Table(header, body), fmt)


def _whole(
    export: Callable[[Principal, Format], Awaitable[bytes]],
) -> Callable[..., Awaitable[bytes]]:
    async def run(principal: Principal, _: NoFilter) -> bytes:
        return await export(principal, "xlsx")

    return run


EXPORT_SOURCES = (
    ExportSource(
        "points-entries",
        "积分明细",
        "loyalty.points:export",
        "积分明细",
        NoFilter,
        _whole(export_points_entries),
    ),
    ExportSource(
        "coupons", "优惠券", "loyalty.coupon:export", "优惠券", NoFilter, _whole(export_coupons)
    ),
    ExportSource(
        "mall-orders",
        "积分商城订单",
        "loyalty.mall:export",
        "积分商城订单",
        NoFilter,
        _whole(export_mall_orders),
    ),
    ExportSource(
        "lottery-awards",
        "抽奖中奖记录",
        "loyalty.lottery:export",
        "抽奖中奖记录",
        NoFilter,
        _whole(export_awards),
    ),
)
