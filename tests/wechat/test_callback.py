"""The callback over the ASGI app: verification, bad input, dedupe, store, enqueue, reply."""

import asyncio
import time

import httpx
import pytest

from crm_core import jobs
from tests.wechat.callback_support import (
    AES_KEY,
    APPID,
    TOKEN,
    event_xml,
    make_account,
    make_shop,
    post,
    signed,
    text_xml,
)
from wechat.crypto import MessageCipher
from wechat.models import AutoReply, InboundEvent, MatchMode, QrCode, QrKind, ReplyKind
from wechat.xml import parse_xml


async def _counts() -> int:
    return await InboundEvent.all().count()


async def test_get_verification_echoes_and_rejects_bad_signature(client: httpx.AsyncClient) -> None:
    await make_account()
    query, _ = signed("")
    ok = await client.get(f"/wechat/{APPID}/callback", params={**query, "echostr": "e123"})
    assert (ok.status_code, ok.text) == (200, "e123")
    bad = await client.get(
        f"/wechat/{APPID}/callback", params={**query, "signature": "0" * 40, "echostr": "e123"}
    )
    assert (bad.status_code, bad.json()["error"]) == (403, "wechat_invalid_signature")


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        pytest.param("bad_signature", 403, "wechat_invalid_signature", id="bad-signature"),
        pytest.param("stale", 403, "wechat_stale_timestamp", id="stale-timestamp"),
        pytest.param("unknown_app", 403, "wechat_unknown_app", id="unknown-appid"),
        pytest.param("too_large", 413, "payload_too_large", id="oversized"),
        pytest.param("dtd", 400, "wechat_malformed_xml", id="dtd"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job], case: str, status: int, code: str
) -> None:
    await make_account()
    xml = text_xml("o_bad", "hi", 1)
    query, body = signed(xml, timestamp=int(time.time()) - 301 if case == "stale" else None)
    appid = "wxunknown0000001" if case == "unknown_app" else APPID
    if case == "bad_signature":
        query["signature"] = "f" * 40
    if case == "too_large":
        body = b"<xml>" + b"x" * (128 * 1024) + b"</xml>"
    if case == "dtd":
        body = b'<!DOCTYPE x [<!ENTITY a "b">]><xml><MsgType>text</MsgType></xml>'
    response = await client.post(f"/wechat/{appid}/callback", params=query, content=body)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert await _counts() == 0
    assert published_jobs == []


async def test_text_message_is_stored_enqueued_and_answered_by_keyword(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    account = await make_account()
    await AutoReply.create(
        account=account,
        kind=ReplyKind.KEYWORD,
        match_mode=MatchMode.CONTAINS,
        keyword="会员|积分",
        priority=5,
        content="回复 1 查询积分",
    )
    await AutoReply.create(account=account, kind=ReplyKind.DEFAULT, content="您好，客服稍后回复")
    response = await post(client, text_xml("o_alice", "我的积分多少", 1001))
    reply = parse_xml(response.text)
    assert (response.status_code, reply["Content"], reply["ToUserName"]) == (
        200,
        "回复 1 查询积分",
        "o_alice",
    )
    event = await InboundEvent.get()
    assert (event.openid, event.msg_type, event.msg_id, event.dedupe_key) == (
        "o_alice",
        "text",
        "1001",
        f"wx:dedupe:{APPID}:1001",
    )
    assert published_jobs == [jobs.Job("wechat.process_events", {"event_ids": [event.id]})]
    assert event.dispatched_at is not None
    other = await post(client, text_xml("o_alice", "随便说说", 1002))
    assert parse_xml(other.text)["Content"] == "您好，客服稍后回复"


async def test_three_concurrent_deliveries_have_one_effect_and_the_same_reply(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    account = await make_account()
    await AutoReply.create(account=account, kind=ReplyKind.FOLLOW, content="欢迎关注{account}")
    xml = event_xml("o_new", "subscribe", create_time=int(time.time()))
    responses = await asyncio.gather(*(post(client, xml) for _ in range(3)))
    contents = [parse_xml(r.text)["Content"] for r in responses]
    assert contents == ["欢迎关注测试服务号"] * 3
    assert await _counts() == 1
    event = await InboundEvent.get()
    assert published_jobs == [jobs.Job("wechat.process_events", {"event_ids": [event.id]})]


async def test_safe_mode_reply_is_encrypted_with_the_key_that_opened_the_request(
    client: httpx.AsyncClient,
) -> None:
    shop = await make_shop()
    account = await make_account("safe")
    await QrCode.create(
        account=account,
        kind=QrKind.GUIDE,
        name="张小美的码",
        scene="g1",
        store_id=shop.store.id,
        guide_id=shop.guide.id,
        welcome_text="欢迎来到{store}，我是导购{guide}",
    )
    response = await post(
        client,
        event_xml("o_scan", "subscribe", key="qrscene_g1", extra="<Ticket><![CDATA[T]]></Ticket>"),
        mode="safe",
    )
    envelope = parse_xml(response.text)
    inner = parse_xml(MessageCipher(TOKEN, AES_KEY, APPID).decrypt(envelope["Encrypt"])[0])
    assert inner["Content"] == "欢迎来到上海南京西路店，我是导购张小美"


async def test_plaintext_is_refused_in_production(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_core.config import get_settings

    await make_account("safe")
    monkeypatch.setattr(get_settings(), "env", "prod")
    from wechat.service import replies

    await replies.bump_config_version()
    response = await post(client, text_xml("o_x", "hi", 5))
    assert (response.status_code, response.json()["error"]) == (403, "wechat_plaintext_not_allowed")
    assert await _counts() == 0


async def test_a_safe_mode_account_refuses_plaintext_outside_production(
    client: httpx.AsyncClient,
) -> None:
    from crm_core.config import get_settings

    assert not get_settings().is_prod
    await make_account("safe")
    response = await post(client, text_xml("o_x", "hi", 6))
    assert (response.status_code, response.json()["error"]) == (403, "wechat_plaintext_not_allowed")
    assert await _counts() == 0


async def test_the_relay_hands_stored_events_over_once_in_order(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    from wechat.service import relay

    await make_account()
    for number in range(3):
        query, body = signed(text_xml("o_batch", f"第{number}条", 2000 + number))
        await client.post(f"/wechat/{APPID}/callback", params=query, content=body)
    assert published_jobs == []  # the callback itself never touches the broker
    ids = [e.id for e in await InboundEvent.all().order_by("id")]
    assert await relay.dispatch_pending() == 3
    assert await relay.dispatch_pending() == 0
    assert published_jobs == [jobs.Job("wechat.process_events", {"event_ids": ids})]


async def test_a_failed_publish_gives_the_claim_back(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    from wechat.service import relay

    await make_account()
    query, body = signed(text_xml("o_broker_down", "在吗", 3000))
    await client.post(f"/wechat/{APPID}/callback", params=query, content=body)

    def broker_down(job: jobs.Job) -> None:
        raise ConnectionError("broker unreachable")

    jobs.set_publisher(broker_down)
    with pytest.raises(ConnectionError):
        await relay.dispatch_pending()
    assert await InboundEvent.filter(dispatched_at__isnull=True).count() == 1
    jobs.set_publisher(published_jobs.append)
    assert await relay.dispatch_pending() == 1
    event = await InboundEvent.get()
    assert published_jobs == [jobs.Job("wechat.process_events", {"event_ids": [event.id]})]
    assert event.dispatched_at is not None
