"""The loyalty console pages, assembled from the sub-domains' routers, with their menus."""

from pathlib import Path

from fastapi import APIRouter

import loyalty.permissions  # noqa: F401 - registers the loyalty resources
from crm_core.web.console import add_template_dir
from crm_core.web.nav import NavItem, add_nav
from loyalty.coupons.views import router as coupons
from loyalty.lottery.views import router as lottery
from loyalty.mall.views import router as mall
from loyalty.points.views import router as points
from loyalty.program.views import router as program
from loyalty.redpackets.views import router as red_packets
from loyalty.timeline import loyalty_timeline
from members import timeline

router = APIRouter(include_in_schema=False)
for _router in (points, program, coupons, lottery, mall, red_packets):
    router.include_router(_router)
add_template_dir(Path(__file__).parent / "templates")
timeline.add_source(loyalty_timeline)
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
