"""Playwright on the system Chromium: every POST form of the console, found by crawling from the
navigation, is submitted once as admin and changes exactly what it says.

A form the crawl finds without a spec below fails the test, so a new form needs coverage here.
"""

import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.org.models import Staff, Store
from crm_core.web.nav import NAV
from loyalty.checkin.models import StreakReward
from loyalty.coupons.models import Coupon, CouponSource, CouponTemplate
from loyalty.coupons.service import issue_coupon
from loyalty.gifts.models import FollowGift
from loyalty.lottery.models import Activity, Award, AwardStatus, Draw, DrawOutcome, Prize
from loyalty.mall.models import ExchangeStatus, MallItem, MallOrder
from loyalty.points.models import PointsEntry
from loyalty.program.models import Program, Tier
from loyalty.redpackets.models import RedPacket, RedPacketSource, RedPacketStatus
from members.merge import merge
from members.models import CenterBanner, CenterTheme, Member, MemberMerge, ProfileReward
from scrm.demo_data import DEMO_PASSWORD, seed_demo
from wechat.models import (
    AutoReply,
    Direction,
    Fan,
    FanMessage,
    Menu,
    MessageStatus,
    OfficialAccount,
    QrCode,
)
from wechat.service import pay

pytestmark = pytest.mark.browser

World = dict[str, int | str]
SKIP = re.compile(r"^/admin/(login|logout|lang/)|/exports/|\.(png|zip|csv)$|/calls/poll")


def png() -> bytes:
    """The banner form needs a real picture."""
    out = io.BytesIO()
    Image.new("RGB", (750, 300), (214, 48, 49)).save(out, format="PNG")
    return out.getvalue()


UNFOLD = "f => { for (let d = f.closest('details'); d; d = d.parentElement.closest('details'))"
UNFOLD += " d.open = true; }"


def pattern_of(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


@dataclass
class Spec:
    """One console form: where it is, what to type, and the database value it must produce."""

    pattern: str
    values: dict[str, str] = field(default_factory=dict)
    expect: tuple[Callable[[World], Awaitable[object]], object] | None = None
    page: Callable[[World], str] | None = None
    action: Callable[[World], str] | None = None
    flash: str = ""


async def seed() -> World:
    await seed_demo()
    now = clock.utc_now()
    wang = await Member.get(name="演示会员·王女士")
    duplicate = await Member.create(name="重复会员", first_channel="demo", created_at=now)
    kept = await Member.create(name="合并保留会员", first_channel="demo", created_at=now)
    absorbed = await Member.create(name="被合并会员", first_channel="demo", created_at=now)
    done = await merge(kept.id, absorbed.id, reason="演示")
    account = await OfficialAccount.get()
    fan = await Fan.create(
        account=account,
        openid="o_console_fan",
        subscribed=True,
        follow_count=1,
        subscribed_at=now,
        last_interaction_at=now,
        last_message_at=now,
        member_id=wang.id,
    )
    await FanMessage.create(
        fan=fan,
        direction=Direction.IN,
        msg_type="text",
        content="请问营业时间？",
        status=MessageStatus.RECEIVED,
        created_at=now,
    )
    wheel = await Activity.get(name="周年庆幸运大转盘")
    cup = await Prize.get(name="品牌保温杯")
    draw = await Draw.create(
        activity_id=wheel.id,
        member_id=wang.id,
        day=now.date(),
        seq=99,
        idempotency_key="console-forms-draw",
        rng_value=0,
        total_weight=1,
        config_hash="x",
        outcome=DrawOutcome.WIN,
        prize_id=cup.id,
        created_at=now,
    )
    award = await Award.create(
        draw_id=draw.id,
        activity_id=wheel.id,
        member_id=wang.id,
        prize_id=cup.id,
        win_seq=99,
        status=AwardStatus.AWAITING_SHIPMENT,
        recipient="王女士",
        phone="13800000001",
        address="上海市静安区南京西路 1266 号",
        created_at=now,
    )
    candle = await MallItem.get(name="香薰蜡烛")
    order = await MallOrder.create(
        item_id=candle.id,
        member_id=wang.id,
        seq=99,
        idempotency_key="console-forms-order",
        points=1200,
        points_entry_id=1,
        status=ExchangeStatus.AWAITING_SHIPMENT,
        recipient="王女士",
        phone="13800000001",
        address="上海市静安区南京西路 1266 号",
        created_at=now,
    )
    packet = await RedPacket.create(
        member_id=wang.id,
        source=RedPacketSource.CHECKIN,
        source_id=999,
        day=now.date(),
        amount_fen=888,
        act_name="签到红包",
        wishing="恭喜",
        status=RedPacketStatus.FAILED,
        err_code="NOTENOUGH",
        created_at=now,
    )
    welcome = await CouponTemplate.get(name="新人满199减30")
    coupon, _ = await issue_coupon(
        welcome.id, wang.id, source=CouponSource.HAND, key="console-forms-coupon"
    )
    default_reply = await AutoReply.get(kind="default")
    return {
        "sh001": (await Store.get(code="SH001")).id,
        "guide": (await Staff.get(username="guide_sh1")).id,
        "service": (await Staff.get(username="service")).id,
        "wang": wang.id,
        "duplicate": duplicate.id,
        "kept": kept.id,
        "merge": done.id,
        "fan": fan.id,
        "wheel": wheel.id,
        "award": award.id,
        "order": order.id,
        "packet": packet.id,
        "coupon": coupon.code,
        "welcome": welcome.id,
        "reply": default_reply.id,
        "menu": (await Menu.get()).id,
        "qrcode": (await QrCode.get(scene="channel_parcel")).id,
        "banner": (await CenterBanner.all().order_by("id").first()).id,  # type: ignore[union-attr]
    }


def count(model: Any, **filters: object) -> Callable[[World], Awaitable[int]]:
    return lambda world: model.filter(**filters).count()


def value(model: Any, key: str, column: str) -> Callable[[World], Awaitable[object]]:
    return lambda world: model.filter(id=world[key]).first().values_list(column, flat=True)


async def merchant_id(world: World) -> str | None:
    merchant = await pay.get_merchant()
    return merchant.mch_id if merchant else None


async def fan_tags(world: World) -> list[str]:
    fan = await Fan.get(id=world["fan"])
    return sorted(tag.name for tag in await fan.tags.all())


def at(template: str) -> Callable[[World], str]:
    return lambda world: template.format(**world)


DATES = {"starts_at": "2027-01-01T10:00", "ends_at": "2027-02-01T10:00"}
SPECS = [
    Spec(
        "/admin/members/center",
        {"brand_name": "新会员中心"},
        (count(CenterTheme, brand_name="新会员中心"), 1),
    ),
    Spec(
        "/admin/members/center/banners",
        {"image": "file", "title": "新品上市"},
        (count(CenterBanner, title="新品上市"), 1),
    ),
    Spec(
        "/admin/members/center/banners/{id}/delete",
        expect=(lambda world: CenterBanner.filter(id=world["banner"]).count(), 0),
        action=at("/admin/members/center/banners/{banner}/delete"),
    ),
    Spec(
        "/admin/members/profile-rewards",
        {"points": "30"},
        (count(ProfileReward, points=30), 1),
    ),
    Spec(
        "/admin/members/{id}/profile",
        {"province": "江苏省", "city": "苏州市"},
        (value(Member, "wang", "city"), "苏州市"),
        page=at("/admin/members/{wang}"),
    ),
    Spec(
        "/admin/members/{id}/merges",
        {"reason": "同一顾客"},
        (value(Member, "duplicate", "merged_into_id"), lambda world: world["wang"]),
        page=at("/admin/members/{wang}?merge_source={duplicate}"),
    ),
    Spec(
        "/admin/members/{id}/merges/{id}/undo",
        expect=(value(MemberMerge, "merge", "status"), "undone"),
        page=at("/admin/members/{kept}"),
    ),
    Spec(
        "/admin/loyalty/program",
        {"tier_basis": "spend"},
        (lambda world: Program.get(id=1).values_list("tier_basis", flat=True), "spend"),
    ),
    Spec(
        "/admin/loyalty/tiers",
        {"code": "black", "name": "黑卡会员", "rank": "4", "threshold": "50000"},
        (count(Tier, code="black", threshold=50000), 1),
    ),
    Spec(
        "/admin/loyalty/streak-rewards",
        {"streak_days": "14", "points": "50"},
        (count(StreakReward, streak_days=14, points=50), 1),
    ),
    Spec(
        "/admin/loyalty/follow-gifts",
        {"name": "地铁渠道关注礼", "channel": "地铁广告", "points": "20"},
        (count(FollowGift, name="地铁渠道关注礼", points=20), 1),
    ),
    Spec(
        "/admin/loyalty/points/{id}/adjustments",
        {"delta": "100", "reason": "客诉补偿"},
        (count(PointsEntry, delta=100, reason="客诉补偿"), 1),
        page=at("/admin/loyalty/points?member_id={wang}"),
    ),
    Spec(
        "/admin/loyalty/coupon-templates",
        {"name": "满300减50", "kind": "amount_off", "amount_off_fen": "5000", "valid_days": "7"},
        (count(CouponTemplate, name="满300减50", amount_off_fen=5000), 1),
    ),
    Spec(
        "/admin/loyalty/coupon-issues",
        {"template_id": "全场88折券", "member_id": "{duplicate}"},
        (lambda world: Coupon.filter(member_id=world["duplicate"]).count(), 1),
    ),
    Spec(
        "/admin/loyalty/coupon-verifications",
        {"code": "{coupon}", "store_id": "{sh001}"},
        (lambda world: Coupon.get(code=world["coupon"]).values_list("status", flat=True), "used"),
    ),
    Spec(
        "/admin/loyalty/mall/items",
        {"name": "品牌雨伞", "kind": "physical", "points_price": "900", "stock": "10"},
        (count(MallItem, name="品牌雨伞", points_price=900, stock=10), 1),
    ),
    Spec(
        "/admin/loyalty/fulfilment/awards/{id}",
        {"tracking_no": "SF1001"},
        (value(Award, "award", "tracking_no"), "SF1001"),
    ),
    Spec(
        "/admin/loyalty/fulfilment/exchanges/{id}",
        {"tracking_no": "SF2002"},
        (value(MallOrder, "order", "tracking_no"), "SF2002"),
    ),
    Spec(
        "/admin/loyalty/red-packets/{id}/retry",
        expect=(count(AuditLog, action="loyalty.red_packet_retry"), 1),
    ),
    Spec(
        "/admin/loyalty/lotteries",
        {"name": "春节抽奖", **DATES},
        (count(Activity, name="春节抽奖"), 1),
    ),
    Spec(
        "/admin/loyalty/lotteries/{id}/prizes",
        {"name": "10积分", "kind": "points", "weight": "10", "points": "10"},
        (count(Prize, name="10积分", points=10, weight=10), 1),
        page=at("/admin/loyalty/lotteries/{wheel}"),
    ),
]


def resolve(expected: object, world: World) -> object:
    return expected(world) if callable(expected) else expected


async def log_in(page: Any, base: str) -> None:
    await page.goto(f"{base}/admin/login")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r".*/admin/?$"))


async def crawl(
    page: Any, base: str, extra: list[str]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Visit every console page in the navigation and linked from there (and the pages behind the
    lookup forms the specs name); return each POST form's pattern with the first page and action
    it was on. Pages the SPA renders have no POST forms (they call /api/v1)."""
    queue, seen = [item.href for item in NAV] + extra, set[str]()
    forms: dict[str, tuple[str, str]] = {}
    broken: list[str] = []
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = await page.goto(f"{base}{path}")
        if response.status != 200:
            broken.append(f"GET {path} → {response.status}")
            continue
        for action in await page.eval_on_selector_all(
            "form[method=post i]", "fs => fs.map(f => f.getAttribute('action'))"
        ):
            forms.setdefault(pattern_of(action), (path, action))
        for href in await page.eval_on_selector_all(
            "a[href]:not([download])", "as => as.map(a => a.getAttribute('href'))"
        ):
            parts = urlsplit(href)
            if parts.netloc or parts.query or not parts.path.startswith("/admin"):
                continue
            if not SKIP.search(parts.path) and parts.path not in seen:
                queue.append(parts.path)
    return forms, broken


async def fill(form: Any, values: dict[str, str], world: World) -> None:
    # As a person would: unfold the <details> an inline edit form sits in.
    await form.evaluate(UNFOLD)
    for name, raw in values.items():
        field = form.locator(name if name.startswith("[") else f"[name={name}]").first
        kind = await field.evaluate("e => e.tagName + ':' + (e.type || '')")
        text = raw.format(**world)
        if kind.startswith("SELECT"):
            await field.select_option(text)
        elif kind == "INPUT:checkbox":
            await field.check()
        elif kind == "INPUT:file":
            await field.set_input_files(
                {"name": "banner.png", "mimeType": "image/png", "buffer": png()}
            )
        else:
            await field.fill(text)


async def test_every_console_form_submits_and_changes_what_it_says(
    live_server: str, browser: Any
) -> None:
    world = await seed()
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_default_timeout(10_000)
    await log_in(page, live_server)

    extra = [spec.page(world) for spec in SPECS if spec.page]
    found, broken = await crawl(page, live_server, extra)
    assert broken == []
    covered = {spec.pattern for spec in SPECS}
    assert sorted(set(found) - covered) == [], "console forms without a spec in this test"
    assert sorted(covered - set(found)) == [], "specs whose form the crawl did not find"

    failures: list[str] = []
    for spec in SPECS:
        where, action = found[spec.pattern]
        where = spec.page(world) if spec.page else where
        action = spec.action(world) if spec.action else action
        await page.goto(f"{live_server}{where}")
        form = page.locator(f'form[action="{action}"]').first
        await fill(form, spec.values, world)
        async with page.expect_response(
            lambda r, a=action: r.request.method == "POST" and urlsplit(r.url).path == a
        ) as posted:
            await form.locator("button").first.click()
        response = await posted.value
        await page.wait_for_load_state()
        errors = await page.locator(".flash.error").all_inner_texts()
        if response.status != 303 or errors:
            failures.append(f"{spec.pattern}: {response.status} {errors}")
            continue
        if spec.expect is not None:
            probe, expected = spec.expect
            got, want = await probe(world), resolve(expected, world)
            if got != want:
                failures.append(f"{spec.pattern}: database has {got!r}, expected {want!r}")
    assert failures == [], "\n".join(failures)
    assert page_errors == []
    await context.close()
