"""The WeChat screens of the Vue console in the system Chromium: each opens clean at three
widths, each form saves once valid and refuses once invalid, the menu editor builds and
publishes a full 3 × 5 menu, and the inbox shows a fan's message and sends the reply."""

import re
from datetime import timedelta
from typing import Any

import pytest

from crm_core import clock
from tests.e2e.conftest import eventually
from tests.e2e.spa import WIDTHS, ConsoleTab, open_console
from tests.factories import PASSWORD, make_staff
from tests.wechat.callback_support import make_account
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
    QrKind,
    QrStatus,
)

pytestmark = pytest.mark.browser

SCREENS = [
    ("wechat-accounts", "/admin/wechat/accounts", "公众号"),
    ("wechat-qrcodes", "/admin/wechat/qrcodes", "渠道二维码"),
    ("wechat-qrcode", "/admin/wechat/qrcodes/{qrcode}", "门口易拉宝"),
    ("wechat-menus", "/admin/wechat/menus", "自定义菜单"),
    ("wechat-templates", "/admin/wechat/templates", "模板消息"),
    ("wechat-replies", "/admin/wechat/replies", "自动回复"),
    ("wechat-fans", "/admin/wechat/fans", "粉丝"),
    ("wechat-fan", "/admin/wechat/fans/{fan}", "小王"),
    ("wechat-portrait", "/admin/wechat/portrait", "粉丝画像"),
    ("wechat-inbox", "/admin/wechat/inbox", "消息列表"),
]


async def signed_in(browser: Any, base: str, width: str = "desktop") -> ConsoleTab:
    """A console tab signed in as boss through POST /api/v1/auth/session (the SPA's own login
    call; /admin/login is still the Jinja page until that page is migrated)."""
    tab = await open_console(browser, base, "boss", width=width, login=False)
    response = await tab.context.request.post(
        f"{base}/api/v1/auth/session", data={"username": "boss", "password": PASSWORD}
    )
    assert response.status == 200, await response.text()
    return tab


async def world() -> dict[str, int]:
    await make_staff("admin", username="boss")
    account = await make_account()
    code = await QrCode.create(
        account=account,
        kind=QrKind.CHANNEL,
        name="门口易拉宝",
        scene="channel_door",
        channel="门口",
        status=QrStatus.ACTIVE,
        ticket="t",
        url="http://weixin.qq.com/q/door",
    )
    now = clock.utc_now()
    fan = await Fan.create(
        account=account,
        openid="o_wang",
        nickname="小王",
        subscribed=True,
        follow_count=1,
        first_subscribed_at=now - timedelta(days=1),
        subscribed_at=now - timedelta(days=1),
        first_qrcode_id=code.id,
        channel="门口",
        province="上海",
        city="上海",
        last_interaction_at=now,
        last_message_at=now,
    )
    await FanMessage.create(
        fan=fan,
        direction=Direction.IN,
        msg_type="text",
        content="在吗",
        status=MessageStatus.RECEIVED,
        created_at=now,
    )
    await AutoReply.create(account=account, kind="follow", content="欢迎关注{account}")
    return {"account": account.id, "qrcode": code.id, "fan": fan.id}


async def test_every_wechat_screen_opens_clean_at_three_widths(
    live_server: str, browser: Any
) -> None:
    ids = await world()
    for width in WIDTHS:
        tab = await signed_in(browser, live_server, width)
        for name, path, text in SCREENS:
            await tab.goto(path.format(**ids))
            assert text in await tab.page.inner_text("main"), (width, path)
            await tab.screenshot(name)
        tab.assert_clean()
        await tab.close()


async def test_account_form_saves_and_refuses_a_bad_appid(live_server: str, browser: Any) -> None:
    await make_staff("admin", username="boss")
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/accounts")

    tab.expect_failure("POST", "/api/v1/wechat/accounts", 422)
    await page.click("[data-test=create]")
    await page.fill("input[name=appid]", "not-an-appid")
    await page.fill("input[name=name]", "品牌服务号")
    await page.fill("input[name=secret]", "secret-value")
    await page.fill("input[name=token]", "token123")
    await page.fill("input[name=aes_key]", "a" * 43)
    await page.click("[data-test=save]")
    error = page.locator(".el-form-item:has(input[name=appid]) .el-form-item__error")
    await error.wait_for()
    assert await error.inner_text() == "格式不正确"
    assert await OfficialAccount.all().count() == 0

    await page.fill("input[name=appid]", "wxbrand0001")
    await page.click("[data-test=save]")
    await page.get_by_role("cell", name="wxbrand0001", exact=True).wait_for()
    account = await OfficialAccount.get(appid="wxbrand0001")
    assert (account.name, account.mode) == ("品牌服务号", "safe")
    assert "secret-value" not in await page.content()
    tab.assert_clean()
    await tab.close()


async def test_qrcode_and_auto_reply_forms(live_server: str, browser: Any) -> None:
    ids = await world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/qrcodes")
    await page.click("[data-test=create]")
    await page.click("[data-test=kind] label:has-text('渠道码')")
    await page.fill("input[name=name]", "地铁广告码")
    await page.click("[data-test=save]")
    channel_error = page.locator(".el-form-item:has(input[name=channel]) .el-form-item__error")
    await channel_error.wait_for()
    assert await channel_error.inner_text() == "渠道码需要填写渠道名称"
    assert await QrCode.filter(name="地铁广告码").count() == 0
    await page.fill("input[name=channel]", "地铁广告")
    await page.click("[data-test=permanent] label:has-text('临时二维码')")
    await page.fill("[data-unit=days] input", "3")
    await page.click("[data-test=save]")
    code = await eventually(lambda: QrCode.get_or_none(name="地铁广告码"))
    assert (code.channel, code.permanent, code.expire_seconds) == ("地铁广告", False, 3 * 86400)
    await page.locator("a:has-text('地铁广告码')").wait_for()

    await tab.goto("/admin/wechat/replies")
    await page.click("[data-test=kinds] .el-tabs__item:has-text('关键词回复')")
    await page.click("[data-test=create]")
    await page.fill("textarea[name=content]", "每天 10:00–22:00 营业")
    await page.click("[data-test=save]")
    keyword_error = page.locator(".el-form-item:has(input[name=keyword]) .el-form-item__error")
    await keyword_error.wait_for()
    assert await keyword_error.inner_text() == "关键词回复需要填写关键词"
    assert await AutoReply.filter(kind="keyword").count() == 0
    await page.fill("input[name=keyword]", "营业时间")
    preview = page.locator("[data-test=preview-text]")
    await preview.wait_for()
    assert await preview.inner_text() == "每天 10:00–22:00 营业"
    await page.click("[data-test=save]")
    rule = await eventually(lambda: AutoReply.get_or_none(kind="keyword"))
    assert (rule.account_id, rule.keyword, rule.match_mode, rule.content) == (
        ids["account"],
        "营业时间",
        "exact",
        "每天 10:00–22:00 营业",
    )
    tab.assert_clean()
    await tab.close()


async def test_menu_editor_builds_and_publishes_a_full_menu(live_server: str, browser: Any) -> None:
    await world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/menus")

    # An invalid menu: the name is too long and the click button has no key.
    await page.click("[data-test=add-first]")
    await page.fill("input[name=btn-name]", "会员中心会员")
    await page.click("[data-test=publish]")
    await page.locator("[data-test=top-0].broken").wait_for()
    name_error = page.locator(".el-form-item:has(input[name=btn-name]) .el-form-item__error")
    assert await name_error.inner_text() == (
        "一级菜单名称不超过 16 字节（约 5 个汉字），现在 18 字节"
    )
    key_error = page.locator(".el-form-item:has(input[name=btn-key]) .el-form-item__error")
    assert await key_error.inner_text() == "请填写菜单 key（点击时推送给服务器）"
    assert await page.locator(".el-message-box").count() == 0
    assert await Menu.all().count() == 0
    await tab.screenshot("wechat-menu-invalid")

    expected = []
    for i in range(3):
        if i:
            await page.click("[data-test=add-top]")
        await page.fill("input[name=btn-name]", f"菜单{i + 1}")
        subs = []
        for j in range(5):
            await page.click(f"[data-test=add-sub-{i}]")
            await page.fill("input[name=btn-name]", f"子{i + 1}-{j + 1}")
            if j == 4:
                await page.click("[data-test=btn-type] label:has-text('跳转网页')")
                await page.fill("input[name=btn-url]", f"https://example.com/{i}")
                subs.append(
                    {"type": "view", "name": f"子{i + 1}-5", "url": f"https://example.com/{i}"}
                )
            else:
                await page.fill("input[name=btn-key]", f"K{i}{j}")
                subs.append({"type": "click", "name": f"子{i + 1}-{j + 1}", "key": f"K{i}{j}"})
        expected.append({"name": f"菜单{i + 1}", "sub_button": subs})
    assert await page.locator("[data-test=add-top]").count() == 0
    await page.click("[data-test=top-2]")
    assert await page.locator("[data-test=add-sub-2]").count() == 0
    await tab.screenshot("wechat-menu-editor")

    await page.click("[data-test=publish]")
    await page.click(".el-message-box button:has-text('确定')")
    menu = await eventually(lambda: Menu.get_or_none(status=MenuStatus.PUBLISHING))
    assert (menu.name, menu.tag_id, menu.buttons) == ("默认菜单", None, expected)
    await page.locator("[data-test=menu-status]:has-text('发布中')").wait_for()
    tab.assert_clean()
    await tab.close()


async def test_inbox_shows_the_fans_message_and_sends_the_reply(
    live_server: str, browser: Any
) -> None:
    ids = await world()
    tab = await signed_in(browser, live_server)
    page = tab.page
    await tab.goto("/admin/wechat/inbox")
    thread = page.locator("[data-test=thread]")
    await thread.locator("text=在吗").wait_for()
    assert re.match(r"客服窗口剩余 4[67] 小时", await page.inner_text("[data-test=window]"))
    assert "未绑定会员" in await page.inner_text("[data-test=member-card]")

    await FanMessage.create(
        fan_id=ids["fan"],
        direction=Direction.IN,
        msg_type="text",
        content="还在吗",
        status=MessageStatus.RECEIVED,
        created_at=clock.utc_now(),
    )
    await thread.locator("text=还在吗").wait_for(timeout=15_000)

    await page.click("[data-test=send]")
    assert await page.inner_text(".composer .el-form-item__error") == "请输入回复内容"
    await page.fill("textarea[name=content]", "您好，我们 10 点开门")
    await page.click("[data-test=send]")
    reply = await eventually(lambda: FanMessage.get_or_none(direction=Direction.OUT))
    assert (reply.fan_id, reply.content, reply.status) == (
        ids["fan"],
        "您好，我们 10 点开门",
        MessageStatus.PENDING,
    )
    await thread.locator("[data-test=message-out]:has-text('您好，我们 10 点开门')").wait_for()

    await Fan.filter(id=ids["fan"]).update(last_interaction_at=clock.utc_now() - timedelta(days=3))
    await tab.goto("/admin/wechat/inbox")
    await page.locator("[data-test=window-closed]").wait_for()
    assert await page.locator("[data-test=send]").is_disabled()
    assert await FanMessage.filter(direction=Direction.OUT).count() == 1
    tab.assert_clean()
    await tab.close()
