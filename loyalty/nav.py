"""The loyalty package's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
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
)


def register() -> None:
    for label, en, href, permission, icon in ENTRIES:
        add_nav(NavItem("会员营销", "Loyalty", label, en, href, permission, icon))
