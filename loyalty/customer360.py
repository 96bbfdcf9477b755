"""The member's standing in the customer 360 view: tier and points (with their trend), coupons.

Registered by `register()` from scrm beside the members sections; seen by whoever may open the
customer, like those.
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
from loyalty.coupons.models import Coupon
from loyalty.labels import STATUS_LABELS
from loyalty.points.models import Account, PointsEntry
from loyalty.program.models import Tier

TREND = 20


async def standing(context: CustomerContext) -> SectionBody | None:
    account = await Account.get_or_none(member_id=context.member_id)
    tier = await Tier.get_or_none(id=account.tier_id) if account and account.tier_id else None
    entries = (
        await PointsEntry.filter(account_id=account.id).order_by("-id").limit(TREND)
        if account
        else []
    )
    entries.reverse()
    shown = {
        "会员等级": tier.name if tier else "未定级",
        "可用积分": f"{account.balance if account else 0:,}",
        "累计获得积分": f"{account.lifetime_earned if account else 0:,}",
    }
    return SectionBody(
        subtitle=shown["会员等级"],
        fields=[SectionField(label=k, value=v) for k, v in shown.items()],
        chart=SectionChart(
            labels=[f"{clock.to_local(e.created_at):%m-%d}" for e in entries],
            series=[
                ChartSeries(
                    name="积分余额", kind="line", values=[float(e.balance_after) for e in entries]
                )
            ],
        )
        if entries
        else None,
    )


async def coupons(context: CustomerContext) -> SectionBody | None:
    rows = (
        await Coupon.filter(member_id=context.member_id)
        .order_by("-issued_at", "-id")
        .limit(20)
        .select_related("template")
    )
    unused = await Coupon.filter(member_id=context.member_id, status="unused").count()
    return SectionBody(
        subtitle=f"未使用 {unused} 张",
        table=SectionTable(
            columns=[
                SectionColumn(key="name", label="优惠券"),
                SectionColumn(key="status", label="状态"),
                SectionColumn(key="valid_until", label="有效期至"),
            ],
            rows=[
                {
                    "name": c.template.name,
                    "status": STATUS_LABELS.get(c.status.value, c.status.value),
                    "valid_until": f"{clock.to_local(c.valid_until):%Y-%m-%d}",
                }
                for c in rows
            ],
        ),
        empty_text="暂无优惠券",
    )


def register() -> None:
    register_section(SectionSpec("member_standing", "等级与积分", 20, standing, group="member"))
    register_section(SectionSpec("member_coupons", "优惠券", 30, coupons, group="member"))
