"""Worker tasks that change WeChat's side, run against the sandbox over a real socket:
tags, blacklist, menus and customer-service replies (with the 48-hour window)."""

from crm_core import clock
from tests.wechat.support import APPID
from wechat.models import (
    Direction,
    Fan,
    FanMessage,
    FanTag,
    Menu,
    MenuStatus,
    MessageStatus,
    OfficialAccount,
)
from wechat.sandbox.state import CS_USER_MESSAGE_GRANT, SandboxState
from wechat.service import inbox, menus, tags

BUTTONS = [
    {"type": "click", "name": "会员中心", "key": "MEMBER"},
    {"type": "view", "name": "附近门店", "url": "https://example.com/stores"},
]


async def test_tags_are_created_once_then_set_and_removed(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    fan = await Fan.create(account=account, openid="o_alice", subscribed=True)
    tag = await FanTag.create(account=account, name="高价值")
    assert await tags.sync_tag(tag.id, fan.id, True) == "tagged"
    await tag.refresh_from_db()
    assert tag.wx_tag_id is not None
    assert sandbox.apps[APPID].tags[tag.wx_tag_id] == "高价值"
    assert sandbox.users["o_alice"].tagids == [tag.wx_tag_id]
    assert await tags.sync_tag(tag.id, fan.id, False) == "untagged"
    assert sandbox.users["o_alice"].tagids == []
    assert list(sandbox.apps[APPID].tags.values()).count("高价值") == 1


async def test_blacklist_follows_the_fan(account: OfficialAccount, sandbox: SandboxState) -> None:
    fan = await Fan.create(account=account, openid="o_bob", subscribed=True, blacklisted=True)
    assert await tags.sync_blacklist(fan.id) == "blacklisted"
    assert sandbox.users["o_bob"].blacklisted is True
    fan.blacklisted = False
    await fan.save()
    assert await tags.sync_blacklist(fan.id) == "unblacklisted"
    assert sandbox.users["o_bob"].blacklisted is False


async def test_menus_are_published_default_and_conditional(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    default = await Menu.create(
        account=account, name="默认菜单", buttons=BUTTONS, status=MenuStatus.PUBLISHING
    )
    assert await menus.publish_menu(default.id) == "published"
    assert [b["name"] for b in sandbox.apps[APPID].menu or []] == ["会员中心", "附近门店"]
    vip = await Menu.create(
        account=account,
        name="VIP 菜单",
        buttons=BUTTONS[:1],
        tag_id=2,
        status=MenuStatus.PUBLISHING,
    )
    assert await menus.publish_menu(vip.id) == "published"
    await vip.refresh_from_db()
    assert vip.wx_menuid != ""
    assert len(sandbox.apps[APPID].conditional_menus) == 1
    assert await menus.publish_menu(vip.id) == "skipped"  # a redelivered task does nothing


async def test_customer_service_reply_inside_and_outside_the_window(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    fan = await Fan.create(account=account, openid="o_alice", subscribed=True)
    sandbox.grant_cs(sandbox.users["o_alice"], CS_USER_MESSAGE_GRANT)
    sent = await FanMessage.create(
        fan=fan,
        direction=Direction.OUT,
        msg_type="text",
        content="您好，已为您查询",
        status=MessageStatus.PENDING,
        created_at=clock.utc_now(),
    )
    assert await inbox.send_reply(sent.id) == "sent"
    assert await inbox.send_reply(sent.id) == "skipped"  # never sent twice
    texts = [
        item["payload"].get("text", {}).get("content")
        for item in sandbox.outbox
        if item["kind"] == "custom"
    ]
    assert texts == ["您好，已为您查询"]
    sandbox.clock.offset += 48 * 3600 + 1
    late = await FanMessage.create(
        fan=fan,
        direction=Direction.OUT,
        msg_type="text",
        content="还在吗",
        status=MessageStatus.PENDING,
        created_at=clock.utc_now(),
    )
    assert await inbox.send_reply(late.id) == "failed"
    await late.refresh_from_db()
    assert late.status == MessageStatus.FAILED
    assert "48" in late.error_message
