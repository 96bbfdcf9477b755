"""Template messages: the sandbox's management endpoints, the client, the field parser, and the
synced library over the API (exact rows, vanished ones removed, nothing written on failure)."""

import httpx
import pytest
import redis.asyncio as aioredis

from crm_core.audit import AuditLog
from tests.factories import bearer, make_staff
from tests.wechat.support import APPID, SECRET, Served
from wechat import rules
from wechat.client import WeChatClient
from wechat.errors import InvalidTemplateError
from wechat.models import MessageTemplate, OfficialAccount
from wechat.sandbox.state import Injection, SandboxState
from wechat.sandbox.templates import from_library
from wechat.service import message_templates

POINTS = "OPENTM207509450"
POINTS_CONTENT = (
    "{{first.DATA}}\n会员姓名：{{keyword1.DATA}}\n变动积分：{{keyword2.DATA}}\n"
    "积分余额：{{keyword3.DATA}}\n{{remark.DATA}}"
)
URL = "/api/v1/wechat/message-templates"


@pytest.mark.parametrize(
    ("content", "fields"),
    [
        pytest.param(POINTS_CONTENT, ["first", "keyword1", "keyword2", "keyword3", "remark"]),
        pytest.param("{{ thing1.DATA }}{{time2.DATA}} {{thing1.DATA}}", ["thing1", "time2"]),
        pytest.param("金额：{{amount.value}} {{.DATA}} {keyword1.DATA}", [], id="not-fields"),
        pytest.param("", [], id="empty"),
    ],
)
def test_template_fields_are_ordered_and_unique(content: str, fields: list[str]) -> None:
    assert rules.template_fields(content) == fields


async def test_the_client_adds_lists_and_deletes_templates(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    client = WeChatClient(APPID, SECRET, redis=redis, api_base=sandbox_server.url)
    async with client:
        added = await client.add_template(POINTS)
        listed = await client.list_private_templates()
        assert [t["template_id"] for t in listed] == ["TPL_ORDER", added]
        assert listed[1] == {
            "template_id": added,
            "title": "积分变动提醒",
            "primary_industry": "IT科技",
            "deputy_industry": "互联网|电子商务",
            "content": POINTS_CONTENT,
            "example": "您的积分发生变动\n会员姓名：张三\n变动积分：+100\n积分余额：1280\n"
            "感谢您的支持",
        }
        await client.delete_private_template("TPL_ORDER")
        assert [t["template_id"] for t in await client.list_private_templates()] == [added]
        with pytest.raises(InvalidTemplateError):
            await client.delete_private_template("TPL_ORDER")
        with pytest.raises(InvalidTemplateError):
            await client.add_template("OPENTM000000000")
    assert len(added) == 43
    assert list(sandbox.apps[APPID].templates) == [added]


async def test_sync_mirrors_the_account_and_removes_vanished_templates(
    client: httpx.AsyncClient, sandbox: SandboxState, account: OfficialAccount
) -> None:
    headers = await bearer(await make_staff("marketer"))
    sandbox.apps[APPID].templates["TPL_ORDER"].title = "订单通知"
    first = await client.post(f"{URL}/sync", json={"account_id": account.id}, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["added"], body["updated"], body["removed"]) == (1, 0, 0)
    assert [
        (t["account_id"], t["template_id"], t["title"], t["fields"]) for t in body["templates"]
    ] == [(account.id, "TPL_ORDER", "订单通知", ["first", "keyword1", "remark"])]

    points = from_library(POINTS, "tpl-points")
    assert points is not None
    sandbox.apps[APPID].templates["TPL_ORDER"].title = "订单提醒"
    sandbox.apps[APPID].templates["tpl-points"] = points
    second = await client.post(f"{URL}/sync", json={"account_id": account.id}, headers=headers)
    # Listed by title.
    assert [(t["template_id"], t["title"]) for t in second.json()["templates"]] == [
        ("tpl-points", "积分变动提醒"),
        ("TPL_ORDER", "订单提醒"),
    ]
    del sandbox.apps[APPID].templates["TPL_ORDER"]
    third = await client.post(f"{URL}/sync", json={"account_id": account.id}, headers=headers)
    assert [(third.json()[k]) for k in ("added", "updated", "removed")] == [0, 0, 1]
    rows = await MessageTemplate.all().values_list(
        "account_id", "template_id", "title", "primary_industry", "deputy_industry", "content"
    )
    assert rows == [
        (account.id, "tpl-points", "积分变动提醒", "IT科技", "互联网|电子商务", POINTS_CONTENT)
    ]
    listed = await client.get(URL, params={"account_id": account.id}, headers=headers)
    assert [(t["template_id"], t["fields"]) for t in listed.json()] == [
        ("tpl-points", ["first", "keyword1", "keyword2", "keyword3", "remark"])
    ]
    other = await client.get(URL, params={"account_id": account.id + 1}, headers=headers)
    assert other.json() == []
    assert await message_templates.fields_of("tpl-points") == [
        "first",
        "keyword1",
        "keyword2",
        "keyword3",
        "remark",
    ]
    assert await message_templates.fields_of("TPL_ORDER") is None
    audits = await AuditLog.filter(action="wechat.template_sync").order_by("id")
    assert [(a.target_id, a.after) for a in audits] == [
        (str(account.id), {"added": 1, "updated": 0, "removed": 0, "total": 1}),
        (str(account.id), {"added": 1, "updated": 1, "removed": 0, "total": 2}),
        (str(account.id), {"added": 0, "updated": 0, "removed": 1, "total": 1}),
    ]


async def test_a_failed_sync_changes_nothing(
    client: httpx.AsyncClient, sandbox: SandboxState, account: OfficialAccount
) -> None:
    headers = await bearer(await make_staff("marketer"))
    await message_templates.sync(account.id)
    sandbox.apps[APPID].templates.clear()
    sandbox.injections.append(
        Injection(path="/cgi-bin/template/get_all_private_template", errcode=48001)
    )
    failed = await client.post(f"{URL}/sync", json={"account_id": account.id}, headers=headers)
    assert (failed.status_code, failed.json()["error"]) == (502, "wechat_api_unauthorized")
    assert await MessageTemplate.all().values_list("template_id", flat=True) == ["TPL_ORDER"]
    missing = await client.post(f"{URL}/sync", json={"account_id": 999999}, headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "wechat_account_not_found")
    assert await AuditLog.filter(action="wechat.template_sync").count() == 1


async def test_syncing_needs_the_edit_permission(
    client: httpx.AsyncClient, sandbox: SandboxState, account: OfficialAccount
) -> None:
    headers = await bearer(await make_staff("store_manager"))
    refused = await client.post(f"{URL}/sync", json={"account_id": account.id}, headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert await MessageTemplate.all().count() == 0
