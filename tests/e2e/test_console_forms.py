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

from crm_core import clock, security
from crm_core.org.models import Department, Position, Role, Staff, Store
from loyalty.coupons.models import CouponSource, CouponTemplate
from loyalty.coupons.service import issue_coupon
from loyalty.lottery.models import Activity, Award, AwardStatus, Draw, DrawOutcome, Prize
from loyalty.mall.models import ExchangeStatus, MallItem, MallOrder
from loyalty.redpackets.models import RedPacket, RedPacketSource, RedPacketStatus
from members.merge import merge
from members.models import CenterBanner, Member
from scrm.demo_data import DEMO_PASSWORD, seed_demo
from sms_gateway.models import Modem, ModemState, SmsMessage, SmsSuppression, SmsTemplate
from wechat.models import (
    AutoReply,
    Direction,
    Fan,
    FanMessage,
    Menu,
    MenuStatus,
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
    root = await Department.get(name="品牌总部")
    spare_department = await Department.create(name="待删除部门", parent=root, sort_order=99)
    spare_store = await Store.create(code="DEL001", name="待删除门店", department=root)
    spare_role = await Role.create(code="temp_role", name="临时角色", permissions=[])
    position = await Position.create(name="待删除岗位")
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
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    template = await SmsTemplate.create(
        code="old_notice", name="旧通知", kind="transactional", body="您好", updated_at=now
    )
    await SmsSuppression.create(phone="+8613900002222", reason="投诉", created_at=now)
    default_reply = await AutoReply.get(kind="default")
    return {
        "spare_department": spare_department.id,
        "south": (await Department.get(name="华南大区")).id,
        "spare_store": spare_store.id,
        "sh001": (await Store.get(code="SH001")).id,
        "spare_role": spare_role.id,
        "position": position.id,
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
        "modem": modem.id,
        "sms_template": template.id,
        "reply": default_reply.id,
        "menu": (await Menu.get()).id,
        "qrcode": (await QrCode.get(scene="channel_parcel")).id,
        "banner": (await CenterBanner.all().order_by("id").first()).id,  # type: ignore[union-attr]
    }


def count(model: Any, **filters: object) -> Callable[[World], Awaitable[int]]:
    return lambda world: model.filter(**filters).count()


def value(model: Any, key: str, column: str) -> Callable[[World], Awaitable[object]]:
    return lambda world: model.filter(id=world[key]).first().values_list(column, flat=True)


def new_password(key: str, password: str) -> Callable[[World], Awaitable[bool]]:
    async def probe(world: World) -> bool:
        staff = await Staff.get(id=world[key])
        return security.verify_password(staff.password_hash, password)

    return probe


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
    Spec("/admin/departments", {"name": "测试新部门"}, (count(Department, name="测试新部门"), 1)),
    Spec(
        "/admin/departments/{id}",
        {"name": "待删除部门二"},
        (value(Department, "spare_department", "name"), "待删除部门二"),
        action=at("/admin/departments/{spare_department}"),
    ),
    Spec(
        "/admin/departments/{id}/delete",
        expect=(count(Department, name="待删除部门二"), 0),
        action=at("/admin/departments/{spare_department}/delete"),
    ),
    Spec("/admin/positions", {"name": "店员"}, (count(Position, name="店员"), 1)),
    Spec(
        "/admin/positions/{id}/delete",
        expect=(count(Position, name="待删除岗位"), 0),
        action=at("/admin/positions/{position}/delete"),
    ),
    Spec(
        "/admin/staff",
        {
            "username": "new_staff",
            "name": "新员工",
            "password": "Passw0rd1",
            "department_id": "品牌总部",
        },
        (count(Staff, username="new_staff", name="新员工"), 1),
    ),
    Spec(
        "/admin/staff/{id}",
        {"phone": "13911112222"},
        (value(Staff, "guide", "phone"), "13911112222"),
        page=at("/admin/staff/{guide}"),
    ),
    Spec(
        "/admin/staff/{id}/move",
        {"department_id": "华南大区"},
        (value(Staff, "guide", "department_id"), lambda world: world["south"]),
        page=at("/admin/staff/{guide}"),
    ),
    Spec(
        "/admin/staff/{id}/password",
        {"password": "NewPassw0rd"},
        (new_password("guide", "NewPassw0rd"), True),
        page=at("/admin/staff/{guide}"),
    ),
    Spec(
        "/admin/staff/{id}/active",
        expect=(value(Staff, "guide", "is_active"), False),
        page=at("/admin/staff/{guide}"),
    ),
    Spec(
        "/admin/roles",
        {
            "code": "viewer",
            "name": "只读",
            "[name=permissions][value='members.member:view']": "on",
        },
        (count(Role, code="viewer", permissions=["members.member:view"]), 1),
        page=at("/admin/roles/new"),
    ),
    Spec(
        "/admin/roles/{id}",
        {"name": "临时角色二"},
        (value(Role, "spare_role", "name"), "临时角色二"),
        page=at("/admin/roles/{spare_role}"),
    ),
    Spec(
        "/admin/roles/{id}/delete",
        expect=(count(Role, code="temp_role"), 0),
        page=at("/admin/roles/{spare_role}"),
    ),
    Spec(
        "/admin/stores",
        {"code": "NEW001", "name": "新开门店", "department_id": "华东大区"},
        (count(Store, code="NEW001", name="新开门店"), 1),
    ),
    Spec(
        "/admin/stores/{id}",
        {"phone": "021-12345678"},
        (value(Store, "spare_store", "phone"), "021-12345678"),
        page=at("/admin/stores/{spare_store}"),
    ),
    Spec(
        "/admin/stores/{id}/delete",
        expect=(count(Store, code="DEL001"), 0),
        page=at("/admin/stores/{spare_store}"),
    ),
    Spec(
        "/admin/wechat/accounts",
        {
            "appid": "wxconsoleforms1",
            "name": "第二个公众号",
            "secret": "secret-value",
            "token": "token123",
            "aes_key": "a" * 43,
        },
        (count(OfficialAccount, appid="wxconsoleforms1"), 1),
    ),
    Spec(
        "/admin/wechat/pay-merchant",
        {"mch_id": "1900000109", "api_key": "k" * 32, "send_name": "演示品牌二"},
        (merchant_id, "1900000109"),
    ),
    Spec(
        "/admin/wechat/qrcodes",
        {"kind": "channel", "name": "地铁广告码", "channel": "地铁广告"},
        (count(QrCode, name="地铁广告码", channel="地铁广告"), 1),
    ),
    Spec(
        "/admin/wechat/qrcodes/{id}",
        {"name": "包裹卡二期"},
        (value(QrCode, "qrcode", "name"), "包裹卡二期"),
        page=at("/admin/wechat/qrcodes/{qrcode}"),
    ),
    Spec(
        "/admin/wechat/replies",
        {"kind": "keyword", "keyword": "营业时间", "content": "每天 10:00–22:00"},
        (count(AutoReply, keyword="营业时间", content="每天 10:00–22:00"), 1),
    ),
    Spec(
        "/admin/wechat/replies/{id}/delete",
        expect=(count(AutoReply, kind="default"), 0),
        action=at("/admin/wechat/replies/{reply}/delete"),
    ),
    Spec("/admin/wechat/menus", {"name": "测试菜单"}, (count(Menu, name="测试菜单"), 1)),
    Spec(
        "/admin/wechat/menus/{id}/publish",
        expect=(value(Menu, "menu", "status"), MenuStatus.PUBLISHING),
        action=at("/admin/wechat/menus/{menu}/publish"),
    ),
    Spec(
        "/admin/wechat/fans/{id}/reply",
        {"content": "您好，10 点开门"},
        (count(FanMessage, direction="out", content="您好，10 点开门"), 1),
        page=at("/admin/wechat/fans/{fan}"),
    ),
    Spec(
        "/admin/wechat/fans/{id}/assign",
        {"staff_id": "孙客服"},
        (value(Fan, "fan", "assigned_staff_id"), lambda world: world["service"]),
        page=at("/admin/wechat/fans/{fan}"),
    ),
    Spec(
        "/admin/wechat/fans/{id}/tags",
        {"tags": "VIP，老客"},
        (fan_tags, ["VIP", "老客"]),
        page=at("/admin/wechat/fans/{fan}"),
    ),
    Spec(
        "/admin/wechat/fans/{id}/blacklist",
        expect=(value(Fan, "fan", "blacklisted"), True),
        page=at("/admin/wechat/fans/{fan}"),
    ),
    Spec(
        "/admin/sms/modems/{id}/disable",
        expect=(value(Modem, "modem", "enabled"), False),
    ),
    Spec(
        "/admin/sms/messages",
        {"to": "13800138000", "text": "到店有礼"},
        (count(SmsMessage, recipient="+8613800138000"), 1),
    ),
    Spec(
        "/admin/sms/suppressions/remove",
        expect=(count(SmsSuppression, reason="投诉"), 0),
    ),
    Spec(
        "/admin/sms/suppressions",
        {"phone": "13900001111", "reason": "客户要求"},
        (count(SmsSuppression, reason="客户要求"), 1),
    ),
    Spec(
        "/admin/sms/templates",
        {"code": "promo_test", "name": "促销", "body": "本周末全场 8 折"},
        (count(SmsTemplate, code="promo_test", body="本周末全场 8 折"), 1),
    ),
    Spec(
        "/admin/sms/templates/{id}/delete",
        expect=(count(SmsTemplate, code="old_notice"), 0),
        action=at("/admin/sms/templates/{sms_template}/delete"),
    ),
    Spec("/admin/logout"),
]


def resolve(expected: object, world: World) -> object:
    return expected(world) if callable(expected) else expected


async def log_in(page: Any, base: str) -> None:
    await page.goto(f"{base}/admin/login")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", DEMO_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/admin")


async def crawl(
    page: Any, base: str, extra: list[str]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Visit every console page linked from the navigation (and the pages behind the lookup forms
    the specs name); return each POST form's pattern with the first page and action it was on."""
    queue, seen = ["/admin", *extra], set[str]()
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
    assert page.url == f"{live_server}/admin/login"
    assert page_errors == []
    await context.close()
