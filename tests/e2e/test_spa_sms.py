"""The SMS screens of the console in the system Chromium: each opens clean at three widths, each
form is submitted once valid (saved, shown) and once invalid (error at the field, nothing
saved), and an incoming call from a member pops up their card on whatever page is open."""

from datetime import UTC, datetime
from typing import Any

import pytest

# The built-in roles get what is registered in this process when a test creates them.
import sms_gateway.permissions  # noqa: F401
from crm_core import clock
from crm_core.org.models import Department, Store
from crm_core.sales.models import SalesOrder
from loyalty.points.models import Account
from loyalty.program.models import Tier
from members.models import Member
from sms_gateway.models import (
    Modem,
    ModemState,
    SmsCall,
    SmsInbound,
    SmsMessage,
    SmsSuppression,
    SmsTemplate,
)
from sms_gateway.rules import port_key
from tests.e2e.spa import ConsoleTab, open_console
from tests.factories import PASSWORD, make_staff, make_store

pytestmark = pytest.mark.browser

SCREENS = [
    ("/admin/sms/modems", "短信模块"),
    ("/admin/sms/messages", "短信记录"),
    ("/admin/sms/inbox", "短信收件箱"),
    ("/admin/sms/suppressions", "退订名单"),
    ("/admin/sms/templates", "短信模板"),
    ("/admin/sms/calls", "来电记录"),
]
NO_SIM = "未检测到 SIM 卡或 SIM 卡故障（检查 SIM 卡是否插好）"


async def seed() -> dict[str, Any]:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001", name="上海南京西路店")
    admin = await make_staff("admin", username="sms_admin", department=root, store=store)
    now = clock.utc_now()
    online = await Modem.create(
        imsi="460001234567890",
        port="/dev/ttyUSB0",
        manufacturer="Quectel",
        model="EC20",
        state=ModemState.ONLINE,
        rssi=20,
        registration=1,
        parts_sent=42,
        last_heartbeat_at=now,
    )
    await Modem.create(
        imsi=port_key("/dev/ttyUSB1"),
        port="/dev/ttyUSB1",
        state=ModemState.DOWN,
        state_reason=NO_SIM,
    )
    await SmsTemplate.create(
        code="shipped",
        name="发货通知",
        kind="transactional",
        body="您的订单{order}已发货",
        updated_at=now,
    )
    await SmsSuppression.create(
        phone="+8613900002222", reason="投诉", source="reply", created_at=now
    )
    await SmsInbound.create(sender="+8613900002222", text="T", received_at=now, opt_out=True)
    return {"admin": admin, "store": store, "modem": online}


async def signed_in(browser: Any, base: str, username: str, width: str = "desktop") -> ConsoleTab:
    """A console tab signed in as the SPA does (POST /api/v1/auth/session, cookie): the Jinja
    login page still owns /admin/login until the organisation pages move."""
    tab = await open_console(browser, base, username, width=width, login=False)
    answer = await tab.page.request.post(
        f"{base}/api/v1/auth/session", data={"username": username, "password": PASSWORD}
    )
    assert answer.status == 200, await answer.text()
    return tab


async def error_at(tab: ConsoleTab, label: str) -> str:
    item = tab.page.locator(".el-dialog .el-form-item").filter(
        has=tab.page.locator(f".el-form-item__label:text-is('{label}')")
    )
    return await item.locator(".el-form-item__error").inner_text()


async def confirm(tab: ConsoleTab, *, accept: bool) -> None:
    box = tab.page.locator(".el-message-box")
    await box.wait_for()
    await box.locator("button", has_text="确定" if accept else "取消").click()
    await box.wait_for(state="hidden")
    await tab.page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", ["desktop", "pad", "phone"])
async def test_every_sms_screen_opens_clean(live_server: str, browser: Any, width: str) -> None:
    people = await seed()
    tab = await signed_in(browser, live_server, people["admin"].username, width=width)
    for path, title in SCREENS:
        await tab.goto(path)
        assert await tab.page.locator(".page-header h2").inner_text() == title, path
        await tab.screenshot("sms-" + path.rsplit("/", 1)[1])
        overflow = await tab.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (width, path, overflow)
    await tab.goto("/admin/sms/modems")
    card = await tab.page.inner_text(f"[data-test=modem-{people['modem'].id}]")
    for shown in ("Quectel EC20", "在线", "强（-73 dBm）", "中国移动 · 本地网", "460001234567890"):
        assert shown in card
    body = await tab.page.inner_text("body")
    assert "未读到 IMSI（检查 SIM 卡）" in body
    assert NO_SIM in body
    tab.assert_clean()
    await tab.close()


async def test_modem_disable_asks_first_and_enable_brings_it_back(
    live_server: str, browser: Any
) -> None:
    people = await seed()
    modem = people["modem"]
    tab = await signed_in(browser, live_server, people["admin"].username)
    await tab.goto("/admin/sms/modems")
    await tab.page.click(f"[data-test=disable-{modem.id}]")
    await confirm(tab, accept=False)
    assert (await Modem.get(id=modem.id)).enabled is True
    await tab.page.click(f"[data-test=disable-{modem.id}]")
    await confirm(tab, accept=True)
    await tab.page.locator(f"[data-test=enable-{modem.id}]").wait_for()
    assert (await Modem.get(id=modem.id)).enabled is False
    assert "已停用" in await tab.page.inner_text(f"[data-test=modem-{modem.id}]")
    await tab.page.click(f"[data-test=enable-{modem.id}]")
    await tab.page.locator(f"[data-test=disable-{modem.id}]").wait_for()
    assert (await Modem.get(id=modem.id)).enabled is True
    tab.assert_clean()
    await tab.close()


async def test_send_dialog_counts_parts_and_saves_only_a_valid_message(
    live_server: str, browser: Any
) -> None:
    people = await seed()
    tab = await signed_in(browser, live_server, people["admin"].username)
    await tab.goto("/admin/sms/messages")
    page = tab.page
    await page.click("[data-test=create]")
    await page.fill("input[name=to]", "123")
    await page.fill("textarea[name=text]", "您好" * 31)  # 6 + 62 characters: one part
    outgoing = page.locator("[data-test=outgoing]")
    counter = page.locator("[data-test=counter]")
    await outgoing.locator(".added", has_text="【示例商城】").wait_for()
    assert await counter.inner_text() == (
        "共 68 字 · 1 条（UCS-2（中文），每条 70 字，本条还可输入 2 字）"
    )
    await page.fill("textarea[name=text]", "您好" * 33)  # 72 characters: two parts of 67
    assert await counter.inner_text() == (
        "共 72 字 · 2 条（UCS-2（中文），每条 67 字，本条还可输入 62 字）"
    )
    await page.click("[data-test=kind] >> text=营销")
    await outgoing.locator(".added", has_text="回T退订").wait_for()
    assert "回T退订" in await page.inner_text(".el-dialog")
    await page.click("[data-test=kind] >> text=通知")
    await page.fill("textarea[name=text]", "到店有礼")

    tab.expect_failure("POST", "/api/v1/sms/messages", 422)
    await page.click("[data-test=send]")
    await page.locator(".el-form-item__error").first.wait_for()
    assert await error_at(tab, "手机号") == "不是有效的手机号码：123"
    assert await SmsMessage.all().count() == 0

    await page.fill("input[name=to]", "13800138000")
    await page.click("[data-test=send]")
    await page.locator(".el-dialog").wait_for(state="hidden")
    await page.wait_for_load_state("networkidle")
    assert [(m.recipient, m.text) for m in await SmsMessage.all()] == [
        ("+8613800138000", "【示例商城】到店有礼")
    ]
    table = await page.inner_text(".data-table")
    assert "+8613800138000" in table
    assert "【示例商城】到店有礼" in table
    assert await outgoing.count() == 0
    tab.assert_clean()
    await tab.close()


async def test_template_create_edit_delete(live_server: str, browser: Any) -> None:
    people = await seed()
    tab = await signed_in(browser, live_server, people["admin"].username)
    page = tab.page
    await tab.goto("/admin/sms/templates")
    await page.click("[data-test=create]")
    await page.fill(".el-dialog input[name=name]", "会员日")
    await page.fill(".el-dialog input[name=code]", "Member Day")
    await page.fill(".el-dialog textarea[name=body]", "{name}您好，本周六会员日全场八折")
    tab.expect_failure("POST", "/api/v1/sms/templates", 422)
    await page.click("[data-test=save]")
    await page.locator(".el-form-item__error").first.wait_for()
    assert await error_at(tab, "编码") == "格式不正确"
    assert await SmsTemplate.filter(name="会员日").count() == 0

    await page.fill(".el-dialog input[name=code]", "member_day")
    await page.click(".el-dialog >> text=营销")
    await page.click("[data-test=save]")
    await page.locator(".el-dialog").wait_for(state="hidden")
    await page.wait_for_load_state("networkidle")
    row = await SmsTemplate.get(code="member_day")
    assert (row.name, row.kind.value, row.body, row.enabled) == (
        "会员日",
        "marketing",
        "{name}您好，本周六会员日全场八折",
        True,
    )
    assert "会员日" in await page.inner_text(".data-table")

    await page.locator(".el-table__row", has_text="member_day").locator("text=编辑").click()
    await page.fill(".el-dialog input[name=name]", "会员日提醒")
    await page.click("[data-test=save]")
    await page.locator(".el-dialog").wait_for(state="hidden")
    await page.wait_for_load_state("networkidle")
    assert (await SmsTemplate.get(id=row.id)).name == "会员日提醒"

    await page.locator(".el-table__row", has_text="member_day").locator("text=删除").click()
    await confirm(tab, accept=False)
    assert await SmsTemplate.filter(id=row.id).count() == 1
    await page.locator(".el-table__row", has_text="member_day").locator("text=删除").click()
    await confirm(tab, accept=True)
    assert await SmsTemplate.filter(id=row.id).count() == 0
    assert "member_day" not in await page.inner_text(".data-table")
    assert await SmsTemplate.filter(code="shipped").count() == 1
    tab.assert_clean()
    await tab.close()


async def test_suppression_add_and_remove(live_server: str, browser: Any) -> None:
    people = await seed()
    tab = await signed_in(browser, live_server, people["admin"].username)
    page = tab.page
    await tab.goto("/admin/sms/suppressions")
    await page.click("[data-test=create]")
    await page.fill(".el-dialog input[name=phone]", "   ")
    await page.fill(".el-dialog input[name=reason]", "电话投诉")
    tab.expect_failure("POST", "/api/v1/sms/suppressions", 422)
    await page.click("[data-test=save]")
    await page.locator(".el-form-item__error").first.wait_for()
    assert await error_at(tab, "手机号") == "内容太短"
    assert await SmsSuppression.filter(reason="电话投诉").count() == 0

    await page.fill(".el-dialog input[name=phone]", "139 0000 1111")
    await page.click("[data-test=save]")
    await page.locator(".el-dialog").wait_for(state="hidden")
    await page.wait_for_load_state("networkidle")
    assert [(r.phone, r.source) for r in await SmsSuppression.filter(reason="电话投诉")] == [
        ("+8613900001111", f"staff:{people['admin'].id}")
    ]
    assert "+8613900001111" in await page.inner_text(".data-table")

    await page.locator(".el-table__row", has_text="+8613900002222").locator("text=移出").click()
    await confirm(tab, accept=False)
    assert await SmsSuppression.filter(phone="+8613900002222").count() == 1
    await page.locator(".el-table__row", has_text="+8613900002222").locator("text=移出").click()
    await confirm(tab, accept=True)
    assert await SmsSuppression.filter(phone="+8613900002222").count() == 0
    assert await SmsSuppression.filter(phone="+8613900001111").count() == 1
    tab.assert_clean()
    await tab.close()


async def test_a_call_from_a_member_pops_up_their_card_on_any_page(
    live_server: str, browser: Any
) -> None:
    people = await seed()
    store: Store = people["store"]
    member = await Member.create(
        name="王女士",
        phone="+8613800138000",
        card_no="880000000042",
        first_store_id=store.id,
        created_at=clock.utc_now(),
    )
    gold = await Tier.create(code="gold", name="金卡", rank=2, threshold=5000)
    await Account.create(
        member_id=member.id, tier_id=gold.id, balance=12_580, created_at=clock.utc_now()
    )
    paid = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    await SalesOrder.create(
        store=store,
        order_no="A001",
        member_id=member.id,
        total_fen=39_900,
        paid_at=paid,
        request_hash="x",
        created_at=paid,
    )
    agent = await make_staff("service_agent", username="desk", department=store.department)
    before = await SmsCall.create(
        number="+8613800138000", started_at=clock.utc_now(), last_ring_at=clock.utc_now()
    )
    tab = await signed_in(browser, live_server, agent.username, width="phone")
    await tab.goto("/admin/sms/inbox")
    popup = tab.page.locator("[data-test=call-popup]")
    assert await popup.count() == 0  # a call from before the page opened stays quiet
    now = clock.utc_now()
    call = await SmsCall.create(number="+8613800138000", started_at=now, last_ring_at=now)
    assert call.id > before.id
    await popup.wait_for(timeout=15_000)
    text = await popup.inner_text()
    for shown in (
        "来电 +8613800138000",
        "王女士",
        "金卡",
        "12,580",
        "上海南京西路店",
        "2026-11-20 14:30 · 上海南京西路店 · ¥399.00 · A001",
    ):
        assert shown in text, shown
    await tab.screenshot("sms-call-popup")
    await tab.page.click("[data-test=call-popup-close]")
    await popup.wait_for(state="hidden")

    # A guide may not see calls: no pop-up is mounted, nothing is polled.
    guide = await make_staff("guide", username="gina", department=store.department)
    other = await signed_in(browser, live_server, guide.username)
    polls: list[str] = []
    other.page.on("request", lambda r: polls.append(r.url) if "/calls/poll" in r.url else None)
    await other.goto("/admin/sms/modems")
    assert "没有权限" in await other.page.inner_text("body")
    now = clock.utc_now()
    await SmsCall.create(number="+8613800138000", started_at=now, last_ring_at=now)
    await other.page.wait_for_timeout(4000)
    assert (await other.page.locator("[data-test=call-popup]").count(), polls) == (0, [])
    other.assert_clean()
    tab.assert_clean()
    await other.close()
    await tab.close()
