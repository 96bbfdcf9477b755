"""What the console's fan, inbox and auto-reply screens do, over /api/v1."""

import time

import httpx

from crm_core import jobs
from crm_core.audit import AuditLog
from tests.factories import bearer, make_staff
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


async def test_the_console_reads_fans_conversations_and_the_window(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    fan = await _fan_with_message(client, published_jobs)
    headers = await bearer(await make_staff("admin", username="boss"))
    fans = await client.get("/api/v1/wechat/fans", headers=headers)
    assert [f["openid"] for f in fans.json()] == ["o_page"]
    inbox = (await client.get("/api/v1/wechat/conversations", headers=headers)).json()
    (row,) = inbox["items"]
    assert (row["fan_id"], row["last_message"]["content"], row["window_open"]) == (
        fan.id,
        "在吗",
        True,
    )
    detail = (await client.get(f"/api/v1/wechat/fans/{fan.id}", headers=headers)).json()
    assert (detail["window_open"], detail["window_closes_at"] is not None) == (True, True)


async def test_reply_inside_window_is_queued_and_outside_is_refused(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    fan = await _fan_with_message(client, published_jobs)
    headers = await bearer(await make_staff("admin", username="boss"))
    url = f"/api/v1/wechat/fans/{fan.id}/messages"
    sent = await client.post(url, json={"content": "您好，在的"}, headers=headers)
    assert sent.status_code == 202, sent.text
    message = await FanMessage.get(direction="out", msg_type="text")
    assert (message.content, message.status) == ("您好，在的", MessageStatus.PENDING)
    assert published_jobs == [jobs.Job("wechat.send_reply", {"message_id": message.id})]
    fan.last_interaction_at = fan.last_interaction_at.replace(year=2020)  # type: ignore[union-attr]
    await fan.save(update_fields=["last_interaction_at"])
    refused = await client.post(url, json={"content": "晚了"}, headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (409, "wechat_window_closed")
    assert await FanMessage.filter(content="晚了").count() == 0
    assert len(published_jobs) == 1
    assert await AuditLog.filter(action="wechat.fan_reply").values_list(
        "actor_name", "target_id", "after"
    ) == [("boss", str(fan.id), {"message_id": message.id, "length": 5})]


async def test_a_bad_regex_auto_reply_is_refused_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    account = await make_account()
    headers = await bearer(await make_staff("marketer", username="mk"))
    response = await client.post(
        "/api/v1/wechat/auto-replies",
        json={
            "account_id": account.id,
            "kind": "keyword",
            "match_mode": "regex",
            "keyword": "([",
            "reply_type": "text",
            "content": "x",
        },
        headers=headers,
    )
    assert (response.status_code, response.json()["error"]) == (422, "wechat_invalid_autoreply")
    assert "正则表达式无效" in response.json()["detail"]
    assert await AutoReply.all().count() == 0


async def test_a_fan_is_assigned_to_a_staff_member(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    fan = await _fan_with_message(client, published_jobs)
    headers = await bearer(await make_staff("admin", username="boss"))
    agent = await make_staff("service_agent", username="agent")
    url = f"/api/v1/wechat/fans/{fan.id}/assignee"
    done = await client.put(url, json={"staff_id": agent.id}, headers=headers)
    assert done.status_code == 204, done.text
    assert (await Fan.get(id=fan.id)).assigned_staff_id == agent.id
    refused = await client.put(url, json={"staff_id": 999999}, headers=headers)
    assert refused.status_code == 404
    assert (await Fan.get(id=fan.id)).assigned_staff_id == agent.id  # refused, unchanged
    assert await AuditLog.filter(action="wechat.fan_assign").values_list(
        "actor_name", "target_id", "before", "after"
    ) == [("boss", str(fan.id), {"assigned_staff_id": None}, {"assigned_staff_id": agent.id})]
