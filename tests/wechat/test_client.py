"""The outbound client against the sandbox over a real socket, with a real Redis."""

import asyncio

import httpx
import pytest
import redis.asyncio as aioredis

from tests.wechat.support import APPID, SECRET, Served
from wechat.client import WeChatClient, WeChatHosts, jsapi_signature
from wechat.errors import (
    AccessTokenExpiredError,
    ClientMsgIdExistsError,
    InvalidCredentialError,
    OpenidListTooShortError,
    RequireSubscribeError,
    ResponseCountExceededError,
    ResponseWindowClosedError,
    SystemBusyError,
    TooManyTagsError,
    WeChatAPIError,
    WeChatUnavailableError,
    api_error_for,
)
from wechat.sandbox.state import CS_USER_MESSAGE_GRANT, Injection, SandboxState

TOKEN_PATH = "/cgi-bin/stable_token"


def make_client(server: Served, redis: aioredis.Redis, **options: object) -> WeChatClient:
    return WeChatClient(
        APPID, SECRET, redis=redis, api_base=server.url, backoff_seconds=0.01, **options
    )  # type: ignore[arg-type]


async def test_fifty_concurrent_cold_clients_fetch_one_token(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    clients = [make_client(sandbox_server, redis) for _ in range(50)]
    try:
        infos = await asyncio.gather(*(c.get_user_info("o_alice") for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    assert sandbox.calls[TOKEN_PATH] == 1
    assert sandbox.calls["/cgi-bin/token"] == 0
    assert sandbox.calls["/cgi-bin/user/info"] == 50
    assert {info["openid"] for info in infos} == {"o_alice"}


@pytest.mark.parametrize(
    ("mode", "errcode"),
    [
        pytest.param("revoke", 40001, id="40001-invalid"),
        pytest.param("expire", 42001, id="42001-expired"),
    ],
)
async def test_token_rotation_refreshes_once_and_retries(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis, mode: str, errcode: int
) -> None:
    async with make_client(sandbox_server, redis) as client:
        await client.get_user_info("o_alice")
        old = await client.tokens.cached()
        async with httpx.AsyncClient() as http:
            await http.post(f"{sandbox_server.url}/__admin/tokens/rotate", json={"mode": mode})
        clients = [make_client(sandbox_server, redis) for _ in range(10)]
        await asyncio.gather(*(c.get_user_info("o_bob") for c in clients))
        await asyncio.gather(*(c.aclose() for c in clients))
        new = await client.tokens.cached()
    assert new is not None
    assert new != old
    # the cold fetch plus exactly one refresh for the 11 clients that met the rejected token
    assert sandbox.calls[TOKEN_PATH] == 2
    assert sandbox.tokens[old or ""].revoked_errcode == errcode


async def test_a_client_sends_with_the_new_token_after_a_rotation(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    # The client keeps its URLs with the token in them: a rotation must not keep the old one.
    async with make_client(sandbox_server, redis) as client:
        await client.send_template("o_alice", "TPL_ORDER", {"first": {"value": "1"}})
        old = await client.tokens.cached()
        async with httpx.AsyncClient() as http:
            await http.post(f"{sandbox_server.url}/__admin/tokens/rotate", json={"mode": "revoke"})
        await client.send_template("o_alice", "TPL_ORDER", {"first": {"value": "2"}})
        await client.send_template("o_alice", "TPL_ORDER", {"first": {"value": "3"}})
        new = await client.tokens.cached()
    assert new is not None
    assert new != old
    assert sandbox.calls[TOKEN_PATH] == 2
    # the revoked token was refused once; both later sends went with the new one
    assert sandbox.calls["/cgi-bin/message/template/send"] == 4
    assert [m["payload"]["data"]["first"]["value"] for m in sandbox.outbox] == ["1", "2", "3"]


def test_a_proxy_in_the_environment_keeps_httpx_client(
    monkeypatch: pytest.MonkeyPatch, redis: aioredis.Redis
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    with_proxy = WeChatClient(APPID, SECRET, redis=redis)
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = WeChatClient(APPID, SECRET, redis=redis)
    assert with_proxy._pool is None  # every request through httpx.AsyncClient and its proxy
    assert direct._pool is not None


async def test_persistent_40001_fails_cleanly_without_recursion(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    sandbox.injections.append(Injection(path="/cgi-bin/user/info", errcode=40001, count=100))
    async with make_client(sandbox_server, redis) as client:
        with pytest.raises(InvalidCredentialError) as excinfo:
            await client.get_user_info("o_alice")
    assert excinfo.value.code == "wechat_invalid_credential"
    assert sandbox.calls["/cgi-bin/user/info"] == 2
    # cold fetch, a normal re-fetch that returns the same (rejected) token, one forced refresh
    assert sandbox.calls[TOKEN_PATH] == 3


async def inject(server: Served, **body: object) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{server.url}/__admin/inject", json=body)
        assert response.status_code == 200


async def test_system_busy_is_retried_only_for_idempotent_calls(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    await inject(sandbox_server, path="/cgi-bin/user/info", errcode=-1, count=2)
    await inject(sandbox_server, path="/cgi-bin/message/custom/send", errcode=-1, count=1)
    async with make_client(sandbox_server, redis) as client:
        assert (await client.get_user_info("o_alice"))["subscribe"] == 1
        with pytest.raises(SystemBusyError):
            await client.send_text("o_alice", "你好")
    assert sandbox.calls["/cgi-bin/user/info"] == 3
    assert sandbox.calls["/cgi-bin/message/custom/send"] == 1
    assert sandbox.outbox == []


async def test_retries_are_bounded(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    await inject(sandbox_server, path="/cgi-bin/user/info", errcode=-1, count=10)
    async with make_client(sandbox_server, redis, max_retries=2) as client:
        with pytest.raises(SystemBusyError):
            await client.get_user_info("o_alice")
    assert sandbox.calls["/cgi-bin/user/info"] == 3


async def test_timeout_becomes_unavailable_error(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    async with make_client(sandbox_server, redis) as client:
        await client.get_user_info("o_alice")  # token first, so only the send is slow
        await inject(sandbox_server, path="/cgi-bin/message/custom/send", latency_ms=500)
        client.http.timeout = httpx.Timeout(0.1)
        with pytest.raises(WeChatUnavailableError) as excinfo:
            await client.send_text("o_alice", "hi")
    assert excinfo.value.code == "wechat_unavailable"
    assert sandbox.calls["/cgi-bin/message/custom/send"] == 1  # a send is never blindly resent


async def test_unreachable_host_is_retried_then_unavailable(redis: aioredis.Redis) -> None:
    with socket_closed_port() as url:
        client = WeChatClient(APPID, SECRET, redis=redis, api_base=url, backoff_seconds=0.001)
        with pytest.raises(WeChatUnavailableError):
            await client.get_user_info("o_alice")
        await client.aclose()


class socket_closed_port:  # noqa: N801 - reads as a context manager helper
    def __enter__(self) -> str:
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        return None


async def test_customer_service_window_and_quota(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    alice = sandbox.users["o_alice"]
    sandbox.grant_cs(alice, CS_USER_MESSAGE_GRANT)
    async with make_client(sandbox_server, redis) as client:
        for n in range(5):
            await client.send_text("o_alice", f"第{n}条")
        with pytest.raises(ResponseCountExceededError) as quota:
            await client.send_text("o_alice", "第6条")
        sandbox.grant_cs(alice, CS_USER_MESSAGE_GRANT)
        sandbox.clock.offset += 48 * 3600 + 1
        with pytest.raises(ResponseWindowClosedError) as window:
            await client.send_text("o_alice", "过期")
    assert (quota.value.errcode_received, quota.value.code) == (
        45047,
        "wechat_response_count_exceeded",
    )
    assert window.value.message == "超过48小时客服消息窗口，无法回复"
    assert window.value.status_code == 502
    assert [e["payload"]["text"]["content"] for e in sandbox.outbox] == [
        "第0条",
        "第1条",
        "第2条",
        "第3条",
        "第4条",
    ]


async def test_template_and_subscription_errors(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    async with make_client(sandbox_server, redis) as client:
        msgid = await client.send_template(
            "o_alice", "TPL_ORDER", {"thing1": {"value": "巧克力"}}, client_msg_id="order-1"
        )
        with pytest.raises(RequireSubscribeError):
            await client.send_template("o_carol", "TPL_ORDER", {"thing1": {"value": "x"}})
    assert sandbox.outbox[0]["msgid"] == msgid
    assert sandbox.outbox[0]["payload"]["client_msg_id"] == "order-1"
    assert len(sandbox.outbox) == 1


async def test_mass_send_by_openids(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    async with make_client(sandbox_server, redis) as client:
        with pytest.raises(ValueError, match=r"2\.\.10000 openids"):
            await client.send_mass_by_openids(
                ["o_alice"], "text", {"content": "x"}, clientmsgid="c0"
            )
        result = await client.send_mass_by_openids(
            ["o_alice", "o_bob", "o_carol"], "text", {"content": "双十一"}, clientmsgid="c1"
        )
        with pytest.raises(ClientMsgIdExistsError) as again:
            await client.send_mass_by_openids(
                ["o_alice", "o_bob"], "text", {"content": "双十一"}, clientmsgid="c1"
            )
        assert await client.get_mass_status(result["msg_id"]) == "SEND_SUCCESS"
    assert again.value.context["response"]["msg_id"] == result["msg_id"]
    assert sandbox.outbox[0]["touser"] == ["o_alice", "o_bob"]  # carol does not follow
    assert len(sandbox.outbox) == 1


async def test_mass_send_single_openid_is_40130_at_wechat(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    async with make_client(sandbox_server, redis) as client:
        with pytest.raises(OpenidListTooShortError):
            await client.call(
                "POST",
                "/cgi-bin/message/mass/send",
                json_body={"touser": ["o_alice"], "msgtype": "text", "text": {"content": "x"}},
            )


async def test_tags_batches_and_limits(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    for n in range(120):
        sandbox.add_user(APPID, openid=f"o_{n:03d}", subscribed=True)
    openids = [f"o_{n:03d}" for n in range(120)]
    async with make_client(sandbox_server, redis) as client:
        vip = await client.create_tag("VIP会员")
        await client.tag_users(vip, openids)
        await client.update_tag(vip, "金卡会员")
        tags = await client.list_tags()
        assert await client.get_user_tags("o_007") == [vip]
        await client.untag_users(vip, openids[:60])
        for n in range(98):
            await client.create_tag(f"标签{n}")
        with pytest.raises(TooManyTagsError):
            await client.create_tag("第101个")
        await client.delete_tag(vip)
        await client.blacklist_users(openids[:25])
        blacklist, _ = await client.get_blacklist()
    assert vip == 100
    assert {"id": vip, "name": "金卡会员", "count": 120} in tags
    assert sandbox.calls["/cgi-bin/tags/members/batchtagging"] == 3
    assert sandbox.calls["/cgi-bin/tags/members/batchblacklist"] == 2
    assert sum(1 for u in sandbox.users.values() if u.tagids) == 0
    assert blacklist == openids[:25]


async def test_followers_paging(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    sandbox.page_size = 3
    for n in range(5):
        sandbox.add_user(APPID, openid=f"o_f{n}", subscribed=True)
    try:
        async with make_client(sandbox_server, redis) as client:
            followers = await client.all_followers()
            users = await client.batch_get_user_info(["o_alice", "o_carol"])
    finally:
        sandbox.page_size = 10000
    assert followers == ["o_alice", "o_bob", "o_f0", "o_f1", "o_f2", "o_f3", "o_f4"]
    assert sandbox.calls["/cgi-bin/user/get"] == 4
    assert users == [users[0], {"subscribe": 0, "openid": "o_carol"}]
    assert users[0]["subscribe"] == 1


async def test_qrcode_menu_media_and_jsapi(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    menu = [
        {"type": "click", "name": "会员", "key": "MEMBER"},
        {"type": "view", "name": "商城", "url": "https://crm.example.com/h5/mall"},
    ]
    async with make_client(sandbox_server, redis) as client:
        permanent = await client.create_qrcode("store_42")
        temporary = await client.create_qrcode(7, expire_seconds=600)
        png = await client.fetch_qrcode_image(permanent["ticket"])
        assert await client.get_menu() is None
        await client.create_menu(menu)
        menuid = await client.add_conditional_menu(menu[:1], {"tag_id": "2"})
        current = await client.get_menu()
        await client.delete_conditional_menu(menuid)
        await client.delete_menu()
        uploaded = await client.upload_media("image", "a.png", png, "image/png")
        downloaded = await client.download_media(uploaded["media_id"])
        ticket = await client.get_jsapi_ticket()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert "expire_seconds" not in permanent
    assert temporary["expire_seconds"] == 600
    assert [q.action_name for q in sandbox.apps[APPID].qrcodes.values()] == [
        "QR_LIMIT_STR_SCENE",
        "QR_SCENE",
    ]
    assert current is not None
    assert current["menu"]["button"] == menu
    assert current["conditionalmenu"][0]["matchrule"] == {"tag_id": "2"}
    assert sandbox.apps[APPID].menu is None
    assert downloaded == png
    assert len(jsapi_signature(ticket["ticket"], "n", 1, "https://h5/x#frag")) == 40
    assert jsapi_signature("t", "n", 1, "https://h5/x#frag") == jsapi_signature(
        "t", "n", 1, "https://h5/x"
    )


def test_jsapi_signature_matches_the_documented_example() -> None:
    # JS-SDK 附录1 worked example.
    assert (
        jsapi_signature(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value",
        )
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


async def test_oauth_code_exchange(
    sandbox: SandboxState, sandbox_server: Served, redis: aioredis.Redis
) -> None:
    async with make_client(sandbox_server, redis) as client:
        url = client.oauth_authorize_url(
            "https://h5.example.com/cb", scope="snsapi_userinfo", state="s1"
        )
        async with httpx.AsyncClient() as http:
            redirect = await http.get(url.split("#")[0] + "&__as=o_alice")
        location = httpx.URL(redirect.headers["location"])
        code = location.params["code"]
        first = await client.exchange_oauth_code(code)
        with pytest.raises(WeChatAPIError) as reused:
            await client.exchange_oauth_code(code)
    assert redirect.status_code == 302
    assert (location.host, location.params["state"]) == ("h5.example.com", "s1")
    assert (first["openid"], first["scope"]) == ("o_alice", "snsapi_userinfo")
    assert (reused.value.errcode_received, reused.value.code) == (40163, "wechat_oauth_code_used")


def test_hosts_follow_the_base() -> None:
    assert WeChatHosts.for_base(None) == WeChatHosts(
        "https://api.weixin.qq.com", "https://mp.weixin.qq.com", "https://open.weixin.qq.com"
    )
    assert WeChatHosts.for_base("http://127.0.0.1:8900/") == WeChatHosts(
        "http://127.0.0.1:8900", "http://127.0.0.1:8900", "http://127.0.0.1:8900"
    )


@pytest.mark.parametrize(
    ("errcode", "cls", "code"),
    [
        pytest.param(-1, SystemBusyError, "wechat_system_busy", id="-1"),
        pytest.param(40001, InvalidCredentialError, "wechat_invalid_credential", id="40001"),
        pytest.param(42001, AccessTokenExpiredError, "wechat_access_token_expired", id="42001"),
        pytest.param(43004, RequireSubscribeError, "wechat_require_subscribe", id="43004"),
        pytest.param(45015, ResponseWindowClosedError, "wechat_response_window_closed", id="45015"),
        pytest.param(
            45047, ResponseCountExceededError, "wechat_response_count_exceeded", id="45047"
        ),
        pytest.param(45065, ClientMsgIdExistsError, "wechat_clientmsgid_exists", id="45065"),
        pytest.param(99999, WeChatAPIError, "wechat_api_error", id="unknown"),
    ],
)
def test_error_mapping(errcode: int, cls: type[WeChatAPIError], code: str) -> None:
    error = api_error_for(errcode, "msg rid: 1")
    assert type(error) is cls
    assert (error.code, error.errcode_received, error.status_code) == (code, errcode, 502)
    assert f"{errcode}: msg rid: 1" in str(error)
