"""End to end with real processes: the member card's SMS code goes from the web app through the
queue and a modem daemon (pyserial on a pty) to the modem simulator, and the sandbox phone
reads it; the member then opens the card with it."""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from crm_core.audit import SYSTEM
from members.models import Member
from tests.e2e.conftest import eventually, member_card_stack
from wechat.models import AccountMode
from wechat.sandbox.__main__ import DEMO_APP
from wechat.schemas import AccountCreate
from wechat.service import accounts

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(booted: object) -> Iterator[dict[str, str]]:
    with member_card_stack("card", imsi="460001234560001", seed=1, worker=False) as urls:
        yield urls


async def test_card_code_reaches_the_sandbox_phone_through_the_modem(stack: dict[str, str]) -> None:
    await accounts.create_account(
        SYSTEM,
        AccountCreate(
            appid=DEMO_APP["appid"],
            name=DEMO_APP["name"],
            secret=DEMO_APP["secret"],
            token=DEMO_APP["token"],
            aes_key=DEMO_APP["aes_key"],  # type: ignore[arg-type]
            mode=AccountMode.SAFE,
        ),
    )
    async with (
        httpx.AsyncClient(base_url=stack["sandbox"]) as phone,
        httpx.AsyncClient(base_url=stack["web"]) as browser,
    ):
        user = (
            await phone.post(
                "/sandbox/api/users", json={"appid": DEMO_APP["appid"], "nickname": "孙会员"}
            )
        ).json()
        start = await browser.get("/h5/member")
        authorize = start.headers["location"].split("#", 1)[0]
        granted = await phone.get(f"{authorize}&__as={user['openid']}")
        back = urlsplit(granted.headers["location"])
        assert (await browser.get(f"{back.path}?{back.query}")).status_code == 303
        page = (await browser.get("/h5/member")).text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        sent = await browser.post(
            "/h5/member/code", data={"phone": "13700001111", "csrf_token": token}
        )
        assert "notice=sent" in sent.headers["location"]

        async def code_on_phone() -> str | None:
            messages = (await phone.get("/sandbox/api/sms")).json()["messages"]
            found = [
                re.search(r"验证码是(\d{6})", m["text"])
                for m in messages
                if m["to"] == "+8613700001111"
            ]
            return found[-1].group(1) if found and found[-1] else None

        code = await eventually(code_on_phone, timeout=60)
        bound = await browser.post(
            "/h5/member/bind", data={"phone": "13700001111", "code": code, "csrf_token": token}
        )
        card = (await browser.get(bound.headers["location"])).text
    member = await Member.get(phone="+8613700001111")
    assert member.card_no is not None
    assert member.card_no in card
    assert "开卡成功" in card
