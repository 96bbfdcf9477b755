"""Console pages of the channel render with data; forms change exactly what they say."""

import time

import httpx
import pytest

from crm_core import jobs
from crm_core.audit import AuditLog
from tests.factories import console_login, make_staff
from tests.wechat.callback_support import event_xml, make_account, make_shop, post, text_xml
from wechat import tasks as wechat_tasks
from wechat.models import AutoReply, Fan, FanMessage, MessageStatus, QrCode, QrKind


async def _fan_with_message(client: httpx.AsyncClient, published: list[jobs.Job]) -> Fan:
    shop = await make_shop()
    account = await make_account()
    await QrCode.create(
        account=account,
        kind=QrKind.GUIDE,
        name="导购码",
        scene="g1",
        store_id=shop.store.id,
        guide_id=shop.guide.id,
    )
    await post(
        client, event_xml("o_page", "subscribe", key="qrscene_g1", create_time=int(time.time()) - 5)
    )
    await post(client, text_xml("o_page", "在吗", 77))
    for job in [j for j in published if j.name == "wechat.process_events"]:
        await wechat_tasks.process_events(**job.kwargs)
    published.clear()
    return await Fan.get(openid="o_page")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/wechat/accounts",
        "/admin/wechat/qrcodes",
        "/admin/wechat/fans",
        "/admin/wechat/portrait",
        "/admin/wechat/inbox",
        "/admin/wechat/replies",
        "/admin/wechat/menus",
    ],
)
async def test_admin_pages_render(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job], path: str
) -> None:
    fan = await _fan_with_message(client, published_jobs)
    await make_staff("admin", username="boss")
    await console_login(client, "boss")
    page = await client.get(path)
    assert page.status_code == 200, page.text
    if path in {"/admin/wechat/fans", "/admin/wechat/inbox"}:
        assert fan.openid in page.text
    detail = await client.get(f"/admin/wechat/fans/{fan.id}")
    assert "在吗" in detail.text
    assert "48 小时客服窗口开放至" in detail.text


async def test_reply_inside_window_is_queued_and_outside_is_explained(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    fan = await _fan_with_message(client, published_jobs)
    await make_staff("admin", username="boss")
    csrf = await console_login(client, "boss")
    sent = await client.post(
        f"/admin/wechat/fans/{fan.id}/reply", data={"csrf_token": csrf, "content": "您好，在的"}
    )
    assert sent.status_code == 303
    message = await FanMessage.get(direction="out", msg_type="text")
    assert (message.content, message.status) == ("您好，在的", MessageStatus.PENDING)
    assert published_jobs == [jobs.Job("wechat.send_reply", {"message_id": message.id})]
    fan.last_interaction_at = fan.last_interaction_at.replace(year=2020)  # type: ignore[union-attr]
    await fan.save(update_fields=["last_interaction_at"])
    refused = await client.post(
        f"/admin/wechat/fans/{fan.id}/reply", data={"csrf_token": csrf, "content": "晚了"}
    )
    assert refused.status_code == 303
    page = await client.get(f"/admin/wechat/fans/{fan.id}")
    assert "微信不允许再发客服消息" in page.text
    assert await FanMessage.filter(content="晚了").count() == 0
    assert len(published_jobs) == 1
    assert await AuditLog.filter(action="wechat.fan_reply").values_list(
        "actor_name", "target_id", "after"
    ) == [("boss", str(fan.id), {"message_id": message.id, "length": 5})]


async def test_auto_reply_form_rejects_a_bad_regex_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    account = await make_account()
    await make_staff("marketer", username="mk")
    csrf = await console_login(client, "mk")
    response = await client.post(
        "/admin/wechat/replies",
        data={
            "csrf_token": csrf,
            "account_id": str(account.id),
            "kind": "keyword",
            "match_mode": "regex",
            "keyword": "([",
            "reply_type": "text",
            "content": "x",
        },
    )
    assert response.status_code == 303
    assert await AutoReply.all().count() == 0
    assert "正则表达式无效" in (await client.get("/admin/wechat/replies")).text


async def test_a_fan_is_assigned_to_a_staff_member_from_the_fan_page(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    fan = await _fan_with_message(client, published_jobs)
    await make_staff("admin", username="boss")
    agent = await make_staff("service_agent", username="agent")
    token = await console_login(client, "boss")
    page = await client.get(f"/admin/wechat/fans/{fan.id}")
    assert 'data-testid="assign-form"' in page.text
    done = await client.post(
        f"/admin/wechat/fans/{fan.id}/assign", data={"csrf_token": token, "staff_id": str(agent.id)}
    )
    assert done.status_code == 303
    assert (await Fan.get(id=fan.id)).assigned_staff_id == agent.id
    await client.post(
        f"/admin/wechat/fans/{fan.id}/assign", data={"csrf_token": token, "staff_id": "999999"}
    )
    assert (await Fan.get(id=fan.id)).assigned_staff_id == agent.id  # refused, unchanged
    assert await AuditLog.filter(action="wechat.fan_assign").values_list(
        "actor_name", "target_id", "before", "after"
    ) == [("boss", str(fan.id), {"assigned_staff_id": None}, {"assigned_staff_id": agent.id})]
