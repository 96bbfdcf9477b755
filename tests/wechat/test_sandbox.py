"""Sandbox pushes reach a real callback that verifies them with our own inbound code."""

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from tests.wechat.support import AES_KEY, APPID, TOKEN, Served, serve
from wechat.errors import WeChatError
from wechat.inbound import CallbackAccount, InboundDelivery, open_delivery, seal_reply, verify_echo
from wechat.messages import ScanEvent, SubscribeEvent, TemplateSendJobFinishEvent, TextMessage
from wechat.replies import text_reply
from wechat.sandbox import create_sandbox_app
from wechat.sandbox.state import SandboxState


class Receiver:
    def __init__(self) -> None:
        self.account = CallbackAccount(APPID, TOKEN, AES_KEY)
        self.deliveries: list[InboundDelivery] = []
        self.rejected: list[int] = []
        self.slow_seconds = 0.0
        self.app = FastAPI()
        self.app.add_api_route("/wechat/callback", self.get, methods=["GET"])
        self.app.add_api_route("/wechat/callback", self.post, methods=["POST"])

    async def get(self, request: Request) -> Response:
        try:
            echo = verify_echo(self.account, dict(request.query_params), now=time.time())
        except WeChatError as exc:
            return PlainTextResponse(exc.code, status_code=exc.status_code)
        return PlainTextResponse(echo)

    async def post(self, request: Request) -> Response:
        try:
            delivery = open_delivery(
                self.account, dict(request.query_params), await request.body(), now=time.time()
            )
        except WeChatError as exc:
            self.rejected.append(exc.status_code)
            return PlainTextResponse(exc.code, status_code=exc.status_code)
        self.deliveries.append(delivery)
        message = delivery.message
        if isinstance(message, TextMessage) and message.content == "slow":
            await asyncio.sleep(self.slow_seconds)
        if isinstance(message, TextMessage) and message.content == "json":
            return Response('{"ok": true}', media_type="application/json")
        reply = None
        if isinstance(message, TextMessage | SubscribeEvent):
            content = message.content if isinstance(message, TextMessage) else "欢迎关注"
            reply = text_reply(
                openid=message.openid,
                account=message.to_user,
                create_time=message.create_time,
                content=f"收到：{content}",
            )
        return PlainTextResponse(seal_reply(self.account, delivery, reply))


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[tuple[Receiver, Served]]:
    receiver = Receiver()
    served = serve(receiver.app)
    yield receiver, served
    served.stop()


@pytest.fixture
def receiver(receiver_server: tuple[Receiver, Served], sandbox: SandboxState) -> Receiver:
    rec, served = receiver_server
    rec.deliveries.clear()
    rec.rejected.clear()
    rec.slow_seconds = 0.0
    sandbox.apps[APPID].webhook_url = f"{served.url}/wechat/callback"
    return rec


async def post(server: Served, path: str, body: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(f"{server.url}{path}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("mode", ["plain", "compat", "safe"])
async def test_text_push_is_verified_and_reply_reaches_the_phone(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver, mode: str
) -> None:
    sandbox.apps[APPID].mode = mode  # type: ignore[assignment]
    result = await post(
        sandbox_server,
        "/sandbox/api/act",
        {"openid": "o_alice", "action": "text", "content": "你好"},
    )
    assert result["user_visible_error"] is False
    assert [a["status"] for a in result["attempts"]] == [200]
    assert receiver.rejected == []
    assert [d.mode for d in receiver.deliveries] == [mode]
    message = receiver.deliveries[0].message
    assert isinstance(message, TextMessage)
    assert (message.content, message.openid, message.to_user) == (
        "你好",
        "o_alice",
        sandbox.apps[APPID].gh_id,
    )
    feed = await_feed(sandbox, "o_alice")
    assert [(e["kind"], e["payload"].get("Content")) for e in feed] == [
        ("user", "你好"),
        ("passive", "收到：你好"),
    ]


def await_feed(sandbox: SandboxState, openid: str) -> list[dict[str, Any]]:
    return list(sandbox.users[openid].feed)


async def test_scan_subscribes_with_qrscene_then_scans(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    sandbox.apps[APPID].mode = "safe"
    first = await post(sandbox_server, "/__sim/scan_qr", {"openid": "o_carol", "scene": "store_42"})
    second = await post(
        sandbox_server, "/__sim/scan_qr", {"openid": "o_carol", "scene": "store_42"}
    )
    subscribe, scan = (d.message for d in receiver.deliveries)
    assert isinstance(subscribe, SubscribeEvent)
    assert (subscribe.event_key, subscribe.scene) == ("qrscene_store_42", "store_42")
    assert isinstance(scan, ScanEvent)
    assert scan.scene == "store_42"
    assert first["reply_parsed"]["Content"] == "收到：欢迎关注"
    assert second["reply_parsed"] is None
    assert sandbox.users["o_carol"].subscribed is True
    assert sandbox.users["o_carol"].subscribe_scene == "ADD_SCENE_QR_CODE"


async def test_slow_callback_is_retried_three_times_with_the_same_message(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    receiver.slow_seconds = 1.3  # the sandbox fixture times out attempts after 1 s
    result = await post(
        sandbox_server,
        "/__sim/push",
        {"openid": "o_alice", "type": "text", "fields": {"Content": "slow"}},
    )
    assert [a["status"] for a in result["attempts"]] == [None, None, None]
    assert result["user_visible_error"] is True
    keys = {d.dedupe_key for d in receiver.deliveries}
    assert len(receiver.deliveries) == 3
    assert len(keys) == 1
    notice = sandbox.users["o_alice"].feed[-1]["payload"]["content"]
    assert notice == "该公众号暂时无法提供服务，请稍后再试"


async def test_malformed_reply_is_a_user_visible_error(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    result = await post(
        sandbox_server,
        "/__sim/push",
        {"openid": "o_alice", "type": "text", "fields": {"Content": "json"}},
    )
    assert result["user_visible_error"] is True
    assert len(result["attempts"]) == 1


async def test_wrong_token_push_is_rejected_by_the_callback(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    sandbox.apps[APPID].token = "not-the-token"
    result = await post(
        sandbox_server,
        "/__sim/push",
        {"openid": "o_alice", "type": "text", "fields": {"Content": "x"}},
    )
    assert [a["status"] for a in result["attempts"]] == [403, 403, 403]
    assert receiver.deliveries == []


async def test_verify_handshake(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    assert (await post(sandbox_server, "/__sim/verify", {"appid": APPID}))["verified"] is True
    sandbox.apps[APPID].token = "other"
    assert (await post(sandbox_server, "/__sim/verify", {"appid": APPID}))["status"] == 403


async def test_template_send_pushes_job_finish(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    sandbox.users["o_bob"].blocks_templates = True
    state_token = sandbox.issue_token(sandbox.apps[APPID])
    async with httpx.AsyncClient() as http:
        sent = (
            await http.post(
                f"{sandbox_server.url}/cgi-bin/message/template/send",
                params={"access_token": state_token},
                json={
                    "touser": "o_bob",
                    "template_id": "TPL_ORDER",
                    "data": {"thing1": {"value": "订单"}},
                },
            )
        ).json()
    for _ in range(100):
        if receiver.deliveries:
            break
        await asyncio.sleep(0.02)
    finish = receiver.deliveries[0].message
    assert isinstance(finish, TemplateSendJobFinishEvent)
    assert (finish.msg_id, finish.status, finish.openid) == (
        str(sent["msgid"]),
        "failed:user block",
        "o_bob",
    )


async def test_menu_tap_pushes_click_and_view(
    sandbox: SandboxState, sandbox_server: Served, receiver: Receiver
) -> None:
    for button in (
        {"type": "click", "name": "签到", "key": "CHECKIN"},
        {"type": "view", "name": "会员中心", "url": "https://h5.example.com/m"},
    ):
        await post(
            sandbox_server,
            "/sandbox/api/act",
            {"openid": "o_alice", "action": "menu", "button": button},
        )
    assert [(d.message.raw["Event"], d.message.raw["EventKey"]) for d in receiver.deliveries] == [
        ("CLICK", "CHECKIN"),
        ("VIEW", "https://h5.example.com/m"),
    ]


async def test_phone_page_and_assets_are_served(
    sandbox: SandboxState, sandbox_server: Served
) -> None:
    async with httpx.AsyncClient(base_url=sandbox_server.url) as http:
        page = await http.get("/sandbox/phone")
        script = await http.get("/sandbox/static/phone.js")
        escape = await http.get("/sandbox/static/..%2Fstate.py")
        created = await http.post("/sandbox/api/users", json={"appid": APPID, "nickname": "新人"})
        picker = await http.get(
            "/connect/oauth2/authorize",
            params={
                "appid": APPID,
                "redirect_uri": "https://h5.example.com/cb",
                "scope": "snsapi_base",
            },
            follow_redirects=False,
        )
    assert page.status_code == 200
    assert "微信手机模拟器" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN
    assert script.headers["content-type"].startswith("text/javascript")
    assert escape.status_code == 404
    # The phone's user (cookie) is who OAuth signs in as.
    assert picker.status_code == 302
    location = httpx.URL(picker.headers["location"])
    code = location.params["code"]
    assert sandbox.apps[APPID].oauth_codes[code].openid == created.json()["openid"]


async def test_the_phone_shows_the_handsets_sms_from_the_configured_inbox() -> None:
    from fastapi import FastAPI

    inbox = FastAPI()
    inbox.get("/sms")(
        lambda: [{"to": "+8613800138000", "text": "【示例商城】您的验证码是123456", "parts": 1}]
    )
    served = serve(inbox)
    try:
        phone = create_sandbox_app(sms_inbox=f"{served.url}/sms")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=phone), base_url="http://sandbox"
        ) as http:
            shown = (await http.get("/sandbox/api/sms")).json()
        bare = create_sandbox_app()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bare), base_url="http://sandbox"
        ) as http:
            off = (await http.get("/sandbox/api/sms")).json()
    finally:
        served.stop()
    assert shown == {
        "configured": True,
        "messages": [
            {"to": "+8613800138000", "text": "【示例商城】您的验证码是123456", "parts": 1}
        ],
    }
    assert off == {"configured": False, "messages": []}


async def test_a_repeated_template_client_msg_id_sends_once_within_ten_minutes(
    sandbox: SandboxState, sandbox_server: Served
) -> None:
    token = sandbox.issue_token(sandbox.apps[APPID])

    async def send(openid: str, client_msg_id: str) -> int:
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                f"{sandbox_server.url}/cgi-bin/message/template/send",
                params={"access_token": token},
                json={
                    "touser": openid,
                    "template_id": "TPL_ORDER",
                    "client_msg_id": client_msg_id,
                    "data": {"thing1": {"value": "订单"}},
                },
            )
        assert answer.json()["errcode"] == 0, answer.text
        return int(answer.json()["msgid"])

    first = await send("o_alice", "k1")
    assert await send("o_alice", "k1") == first
    other_user, other_key = await send("o_bob", "k1"), await send("o_alice", "k2")
    assert len({first, other_user, other_key}) == 3
    sandbox.clock.offset += 601
    later = await send("o_alice", "k1")
    assert later not in {first, other_user, other_key}
    assert [(e["kind"], e["touser"], e["msgid"]) for e in sandbox.outbox] == [
        ("template", "o_alice", first),
        ("template", "o_bob", other_user),
        ("template", "o_alice", other_key),
        ("template", "o_alice", later),
    ]
