"""Member center H5: WeChat OAuth sign-in against the sandbox, then a card bound with an SMS code
(the code goes into the SMS queue the modem daemon sends from)."""

import asyncio
import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from crm_core.audit import SYSTEM, AuditLog
from crm_core.config import get_settings
from members import card
from members.models import Member
from sms_gateway.models import SmsMessage
from sms_gateway.service.messages import normalize_recipient
from tests.factories import sms_code_sent_to
from tests.members.support import h5_session
from tests.wechat.conftest import sandbox, sandbox_server  # noqa: F401 - shared fixtures
from tests.wechat.support import APPID, SECRET, TOKEN, Served
from wechat.models import AccountMode
from wechat.sandbox.state import SandboxState
from wechat.schemas import AccountCreate
from wechat.service import accounts

PHONE = "13800138000"


@pytest.fixture
async def wired(
    sandbox: SandboxState,
    sandbox_server: Served,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Served]:
    monkeypatch.setenv("WECHAT_API_BASE", sandbox_server.url)
    get_settings.cache_clear()
    await accounts.create_account(
        SYSTEM,
        AccountCreate(
            appid=APPID,
            name="沙箱号",
            secret=SECRET,
            token=TOKEN,  # type: ignore[arg-type]
            mode=AccountMode.PLAIN,
        ),
    )
    yield sandbox_server
    get_settings.cache_clear()


async def sign_in(client: httpx.AsyncClient, openid: str = "o_alice") -> str:
    """Follow the OAuth dance like a browser; return the callback URL (for replay tests)."""
    start = await client.get("/h5/member")
    assert start.status_code == 302
    authorize = start.headers["location"].split("#", 1)[0]
    async with httpx.AsyncClient() as browser:
        granted = await browser.get(f"{authorize}&__as={openid}")
    assert granted.status_code == 302
    back = urlsplit(granted.headers["location"])
    assert back.path == "/h5/member/oauth"
    done = await client.get(f"{back.path}?{back.query}")
    assert done.status_code == 303, done.text
    return f"{back.path}?{back.query}"


def csrf_of(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def test_sign_in_then_bind_a_card_with_the_sms_code(
    client: httpx.AsyncClient, wired: Served
) -> None:
    await sign_in(client)
    page = await client.get("/h5/member")
    assert page.status_code == 200
    assert "尚未开卡" in page.text
    token = csrf_of(page.text)
    sent = await client.post("/h5/member/code", data={"phone": PHONE, "csrf_token": token})
    assert sent.status_code == 303
    code = await sms_code_sent_to(normalize_recipient(PHONE))
    wrong = await client.post(
        "/h5/member/bind",
        data={
            "phone": PHONE,
            "code": "000000" if code != "000000" else "111111",
            "csrf_token": token,
        },
    )
    assert "验证码" in (await client.get(wrong.headers["location"])).text
    assert (await Member.get()).card_no is None
    bound = await client.post(
        "/h5/member/bind", data={"phone": PHONE, "code": code, "csrf_token": token}
    )
    card = await client.get(bound.headers["location"])
    member = await Member.get()
    assert member.phone == normalize_recipient(PHONE)
    assert member.card_no is not None
    assert re.fullmatch(r"88\d{12}", member.card_no)
    assert member.card_no in card.text
    assert "138****8000" in card.text
    assert "开卡成功" in card.text
    assert await AuditLog.filter(action="member.card_bound").count() == 1


async def test_oauth_state_and_code_are_single_use(
    client: httpx.AsyncClient, wired: Served
) -> None:
    callback = await sign_in(client)
    replay = await client.get(callback, headers={"accept": "text/html"})
    assert replay.status_code == 400
    assert "重新进入" in replay.text
    forged = await client.get("/h5/member/oauth?code=abc&state=forged")
    assert forged.status_code == 400
    assert forged.json()["error"] == "oauth_state_invalid"
    assert await Member.all().count() == 1


async def test_posts_without_the_session_token_are_refused(
    client: httpx.AsyncClient, wired: Served
) -> None:
    await sign_in(client)
    response = await client.post("/h5/member/code", data={"phone": PHONE, "csrf_token": "x"})
    assert response.status_code == 403
    assert await SmsMessage.all().count() == 0


async def test_a_phone_bound_to_another_member_is_refused(
    client: httpx.AsyncClient, wired: Served
) -> None:
    from crm_core import clock

    await Member.create(
        phone=normalize_recipient(PHONE), card_no="880000000001", created_at=clock.utc_now()
    )
    await sign_in(client)
    token = csrf_of((await client.get("/h5/member")).text)
    await client.post("/h5/member/code", data={"phone": PHONE, "csrf_token": token})
    code = await sms_code_sent_to(normalize_recipient(PHONE))
    refused = await client.post(
        "/h5/member/bind", data={"phone": PHONE, "code": code, "csrf_token": token}
    )
    page = await client.get(refused.headers["location"])
    assert "该手机号已绑定其他会员" in page.text
    me = await Member.filter(card_no=None).get()
    assert me.phone is None
    assert parse_qs(urlsplit(refused.headers["location"]).query)["phone"] == [PHONE]


async def test_a_burst_of_wrong_codes_burns_the_code_after_five_checks(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_core import clock
    from crm_core.redis import get_redis
    from sms_gateway.service import verification

    member = await Member.create(name="", created_at=clock.utc_now())
    token = await h5_session(client, member.id)
    sent = await client.post("/h5/member/code", data={"phone": PHONE, "csrf_token": token})
    assert sent.status_code == 303
    code = await sms_code_sent_to(normalize_recipient(PHONE))
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 51)]
    checked: list[str] = []
    real_digest = verification._digest

    def counting_digest(phone: str, purpose: str, guess: str) -> str:
        checked.append(guess)
        return real_digest(phone, purpose, guess)

    monkeypatch.setattr(verification, "_digest", counting_digest)
    burst = await asyncio.gather(
        *(
            client.post(
                "/h5/member/bind", data={"phone": PHONE, "code": guess, "csrf_token": token}
            )
            for guess in wrong
        )
    )
    assert [response.status_code for response in burst] == [303] * 50
    assert len(checked) == 5
    assert await get_redis().exists(f"sms:code:{card.PURPOSE}:{normalize_recipient(PHONE)}") == 0
    right = await client.post(
        "/h5/member/bind", data={"phone": PHONE, "code": code, "csrf_token": token}
    )
    assert "验证码" in (await client.get(right.headers["location"])).text
    assert len(checked) == 5
    me = await Member.get(id=member.id)
    assert (me.phone, me.card_no, me.card_bound_at) == (None, None, None)
    assert await AuditLog.filter(action="member.card_bound").count() == 0
