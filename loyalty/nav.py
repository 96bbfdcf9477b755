"""Loyalty's part of the console: its navigation entries (served by /api/v1/me; the pages are
the SPA's), its member timeline source and the member list's tier filter."""

from tortoise.expressions import Q, Subquery

import loyalty.permissions  # noqa: F401 - registers the loyalty resources
from crm_core.web.nav import NavItem, add_nav
from loyalty.points.models import Account
from loyalty.timeline import loyalty_timeline
from members import service as members_service
from members import timeline


def _tier_filter(tier_id: int) -> Q:
    return Q(id__in=Subquery(Account.filter(tier_id=tier_id).values("member_id")))


timeline.add_source(loyalty_timeline)
members_service.set_tier_filter(_tier_filter)
for _label, _label_en, _href, _permission, _icon in (
    ("会员积分", "Member points", "/admin/loyalty/points", "loyalty.points:view", "Coin"),
    (
        "等级与积分规则",
        "Tiers and rules",
        "/admin/loyalty/program",
        "loyalty.program:view",
        "Medal",
    ),
    ("优惠券", "Coupons", "/admin/loyalty/coupons", "loyalty.coupon:view", "Ticket"),
    ("大转盘", "Big wheel", "/admin/loyalty/lotteries", "loyalty.lottery:view", "Present"),
    ("积分商城", "Points mall", "/admin/loyalty/mall", "loyalty.mall:view", "Goods"),
    ("奖品与兑换履约", "Fulfilment", "/admin/loyalty/fulfilment", "loyalty.mall:view", "Van"),
    ("微信红包", "Red packets", "/admin/loyalty/red-packets", "loyalty.redpacket:view", "Wallet"),
):
    add_nav(NavItem("会员营销", "Loyalty", _label, _label_en, _href, _permission, _icon))
