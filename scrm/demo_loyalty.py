"""The demo's loyalty programme: tiers, earn rules, a follow gift, check-in streaks, a wheel,
mall items, a little purchase history and the member center's look (idempotent: skipped when
tiers exist)."""

import hashlib
import io
from datetime import timedelta
from typing import Any

from PIL import Image, ImageDraw

from crm_core import clock
from crm_core.org.models import Store
from crm_core.sales.models import SalesOrder, SalesOrderLine
from loyalty.checkin.models import StreakReward
from loyalty.checkin.service import check_in
from loyalty.coupons.models import CouponKind, CouponTemplate
from loyalty.gifts.models import FollowGift
from loyalty.lottery.models import Activity, Prize, PrizeKind, Skin
from loyalty.lottery.service import draw
from loyalty.mall.models import ItemKind, MallItem
from loyalty.points.service.purchases import award_purchase_points
from loyalty.program.models import Program, Tier
from members.models import CenterBanner, CenterImage, CenterTheme, Member

TIERS = [
    ("basic", "普卡会员", 0, 100, 100, 0),
    ("silver", "银卡会员", 1000, 120, 98, 100),
    ("gold", "金卡会员", 5000, 150, 95, 300),
    ("diamond", "钻石会员", 20000, 200, 90, 800),
]


async def seed_loyalty() -> str:
    if await Tier.exists():
        return "会员体系已存在 / loyalty already seeded"
    await Program.get_or_create(id=1, defaults={"follow_points": 50, "checkin_points": 5})
    for rank, (code, name, threshold, multiplier, percent, birthday) in enumerate(TIERS):
        await Tier.create(
            code=code,
            name=name,
            rank=rank,
            threshold=threshold,
            multiplier_percent=multiplier,
            discount_percent=percent,
            birthday_points=birthday,
        )
    welcome = await CouponTemplate.create(
        name="新人满199减30",
        kind=CouponKind.AMOUNT_OFF,
        amount_off_fen=3000,
        threshold_fen=19900,
        valid_days=30,
        claimable=True,
    )
    discount = await CouponTemplate.create(
        name="全场88折券",
        kind=CouponKind.DISCOUNT,
        discount_percent=88,
        valid_days=14,
        stock=500,
        stock_total=500,
    )
    gift = await CouponTemplate.create(
        name="到店领取帆布袋",
        kind=CouponKind.GIFT,
        gift_name="品牌帆布袋",
        valid_days=60,
        stock=200,
        stock_total=200,
    )
    await FollowGift.create(name="关注有礼：50积分+新人券", points=50, coupon_template=welcome)
    await FollowGift.create(name="快递包裹卡渠道：100积分", channel="parcel", points=100)
    # The 7-day streak also pays a WeChat red packet (sandbox merchant, scrm/demo_wechat.py).
    for days, points, template_id, fen in (
        (3, 10, None, 0),
        (7, 30, None, 888),
        (30, 100, discount.id, 0),
    ):
        await StreakReward.create(
            streak_days=days, points=points, coupon_template_id=template_id, red_packet_fen=fen
        )
    now = clock.utc_now()
    wheel = await Activity.create(
        name="周年庆幸运大转盘",
        skin=Skin.FESTIVAL,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=60),
        free_draws_per_day=1,
        points_per_draw=20,
        max_draws_per_day=5,
        max_wins=3,
        rules_text="每天免费1次，之后每次20积分；奖品抽完后按未中奖处理。",
    )
    prizes: tuple[tuple[str, PrizeKind, int, int | None, dict[str, Any]], ...] = (
        ("品牌保温杯", PrizeKind.PHYSICAL, 20, 50, {}),
        ("88积分", PrizeKind.POINTS, 200, None, {"points": 88}),
        ("88折券", PrizeKind.COUPON, 100, 300, {"coupon_template_id": discount.id}),
        ("6.66元微信红包", PrizeKind.RED_PACKET, 50, 100, {"red_packet_fen": 666}),
        ("谢谢参与", PrizeKind.NONE, 630, None, {}),
    )
    for position, (name, kind, weight, stock, extra) in enumerate(prizes):
        await Prize.create(
            activity=wheel,
            name=name,
            kind=kind,
            weight=weight,
            stock=stock,
            stock_total=stock,
            position=position,
            **extra,
        )
    await MallItem.create(
        name="品牌帆布袋",
        kind=ItemKind.COUPON,
        points_price=300,
        stock=200,
        per_member_limit=1,
        coupon_template=gift,
    )
    await MallItem.create(
        name="香薰蜡烛", kind=ItemKind.PHYSICAL, points_price=1200, stock=30, per_member_limit=2
    )
    await MallItem.create(
        name="满199减30券",
        kind=ItemKind.COUPON,
        points_price=500,
        stock=100,
        coupon_template=welcome,
    )
    await MallItem.create(
        name="5元微信红包",
        kind=ItemKind.RED_PACKET,
        points_price=800,
        stock=100,
        per_member_limit=3,
        red_packet_fen=500,
    )
    await _history(wheel.id)
    await _look()
    return (
        "已导入会员体系：4 个等级、关注礼、签到奖励、大转盘、积分商城（含微信红包）、会员中心装修"
    )


def _banner(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A plain gradient picture; the banner's title is drawn by the page over it."""
    picture = Image.new("RGB", (750, 300))
    draw = ImageDraw.Draw(picture)
    for y in range(300):
        mix = y / 299
        draw.line(
            [(0, y), (750, y)],
            fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse((520, 40, 720, 240), outline=(255, 255, 255), width=6)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


async def _look() -> None:
    now = clock.utc_now()
    await CenterTheme.create(
        id=1, brand_name="知味生活会员中心", primary_color="#1f7a5a", updated_at=now
    )
    for position, (title, link, top, bottom) in enumerate(
        (
            ("周年庆幸运大转盘，100% 有礼", "/h5/member/wheel", (214, 48, 49), (253, 203, 110)),
            ("积分兑好礼：帆布袋、香薰蜡烛", "/h5/member/mall", (31, 122, 90), (129, 236, 236)),
        )
    ):
        data = _banner(top, bottom)
        image = await CenterImage.create(
            content=data,
            content_type="image/png",
            sha256=hashlib.sha256(data).hexdigest(),
            width=750,
            height=300,
            created_at=now,
        )
        await CenterBanner.create(
            image=image, title=title, link=link, position=position, created_at=now
        )


async def _history(wheel_id: int) -> None:
    store = await Store.filter(code="SH001").first()
    if store is None:
        return
    now = clock.utc_now()
    for number, (name, amounts) in enumerate(
        (("演示会员·王女士", [129900, 45900]), ("演示会员·陈先生", [39900]))
    ):
        member = await Member.create(
            name=name,
            first_store_id=store.id,
            first_channel="demo",
            created_at=now - timedelta(days=40),
        )
        for index, amount in enumerate(amounts):
            order = await SalesOrder.create(
                store=store,
                order_no=f"DEMO{number}{index:03d}",
                member_id=member.id,
                total_fen=amount,
                paid_at=now - timedelta(days=20 - index),
                request_hash="demo",
                created_at=now,
            )
            await SalesOrderLine.create(
                order=order,
                product_code=f"SKU{index}",
                product_name="羊绒围巾",
                quantity=1,
                unit_price_fen=amount,
                amount_fen=amount,
            )
            await award_purchase_points(order.id)
        await check_in(member.id)
        await draw(wheel_id, member.id, key=f"demo-draw-{member.id}")
