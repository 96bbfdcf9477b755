"""The member's sections of the customer 360 view: card, guide, WeChat fan, purchases.

Registered by `register()` from scrm, like the caller ID card: crm_core never imports members.
Seen by whoever may open the customer (the customer's data scope); phones pass its masking.
"""

from crm_core import clock
from crm_core.customer360.schemas import (
    ChartSeries,
    SectionBody,
    SectionChart,
    SectionColumn,
    SectionField,
    SectionTable,
)
from crm_core.customer360.service import CustomerContext, SectionSpec, register_section
from crm_core.org.models import Staff, Store
from crm_core.sales import service as sales
from members.caller import yuan
from members.models import Member
from wechat.models import Fan

MONTHS = 6


def _fields(shown: dict[str, str]) -> list[SectionField]:
    return [SectionField(label=k, value=v) for k, v in shown.items()]


async def _member(context: CustomerContext) -> Member | None:
    return await Member.get_or_none(id=context.member_id) if context.member_id else None


async def card(context: CustomerContext) -> SectionBody | None:
    member = await _member(context)
    if member is None:
        return None
    store = await Store.get_or_none(id=member.first_store_id) if member.first_store_id else None
    bound = member.card_bound_at
    return SectionBody(
        subtitle=member.name or "未填写姓名",
        fields=_fields(
            {
                "会员编号": str(member.id),
                "姓名": member.name or "未填写姓名",
                "会员卡号": member.card_no or "未开卡",
                "手机": context.show_phone(member.phone) or "—",
                "开卡时间": f"{clock.to_local(bound):%Y-%m-%d}" if bound else "—",
                "归属门店": store.name if store else "—",
                "来源渠道": member.first_channel or "—",
            }
        ),
    )


async def guide(context: CustomerContext) -> SectionBody | None:
    member = await _member(context)
    if member is None:
        return None
    ids = [i for i in (member.first_guide_id, member.last_guide_id) if i]
    names = dict(await Staff.filter(id__in=ids).values_list("id", "name")) if ids else {}
    return SectionBody(
        fields=_fields(
            {
                "专属导购": str(names.get(member.first_guide_id, "—")),
                "最近服务导购": str(names.get(member.last_guide_id, "—")),
            }
        )
    )


async def fan(context: CustomerContext) -> SectionBody | None:
    fans = await Fan.filter(member_id=context.member_id).order_by("id").limit(5)
    if not fans:
        return SectionBody(empty_text="未关注公众号")
    first = fans[0]
    return SectionBody(
        subtitle=first.nickname or "未知昵称",
        avatar_text=(first.nickname or "粉")[:1],
        table=SectionTable(
            columns=[
                SectionColumn(key="nickname", label="昵称"),
                SectionColumn(key="subscribed", label="关注状态"),
                SectionColumn(key="since", label="关注时间"),
                SectionColumn(key="region", label="地区"),
            ],
            rows=[
                {
                    "nickname": f.nickname or "—",
                    "subscribed": "已关注" if f.subscribed else "已取关",
                    "since": f"{clock.to_local(f.subscribed_at):%Y-%m-%d}"
                    if f.subscribed_at
                    else "—",
                    "region": f"{f.province}{f.city}" or "—",
                }
                for f in fans
            ],
        ),
    )


def _month_labels() -> list[str]:
    now = clock.to_local(clock.utc_now())
    year, month = now.year, now.month
    labels = []
    for back in range(MONTHS - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        labels.append(f"{y}-{m + 1:02d}")
    return labels


async def purchases(context: CustomerContext) -> SectionBody | None:
    if context.member_id is None:
        return None
    summary = await sales.purchase_summary(context.member_id)
    orders = await sales.orders_of_member(context.member_id, limit=200)
    labels = _month_labels()
    spent = dict.fromkeys(labels, 0)
    for order, _ in orders:
        month = f"{clock.to_local(order.paid_at):%Y-%m}"
        if month in spent:
            spent[month] += order.total_fen - order.refunded_fen
    return SectionBody(
        fields=_fields(
            {
                "订单数": f"{summary.order_count} 笔",
                "累计消费": yuan(summary.net_fen),
                "退款": f"{summary.refund_count} 笔" if summary.refund_count else "无",
            }
        ),
        table=SectionTable(
            columns=[
                SectionColumn(key="paid_at", label="时间"),
                SectionColumn(key="order_no", label="订单号"),
                SectionColumn(key="store", label="门店"),
                SectionColumn(key="total", label="金额"),
            ],
            rows=[
                {
                    "paid_at": f"{clock.to_local(o.paid_at):%Y-%m-%d %H:%M}",
                    "order_no": o.order_no,
                    "store": store,
                    "total": yuan(o.total_fen),
                }
                for o, store in orders[:10]
            ],
        ),
        chart=SectionChart(
            labels=labels,
            series=[ChartSeries(name="月消费（元）", values=[spent[m] / 100 for m in labels])],
        ),
        empty_text="暂无消费记录",
    )


def register() -> None:
    for spec in (
        SectionSpec("member_card", "会员卡", 10, card, group="member"),
        SectionSpec("member_guide", "导购", 40, guide, group="member"),
        SectionSpec("member_fan", "微信粉丝", 50, fan, group="member"),
        SectionSpec("member_purchases", "消费记录", 60, purchases, group="member"),
    ):
        register_section(spec)
