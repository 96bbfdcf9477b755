"""Nickname and avatar come from the member center's snsapi_userinfo sign-in (user/info has not
carried them since 2021-12-27); a silent snsapi_base sign-in or a refusal leaves them alone."""

from urllib.parse import parse_qs, urlsplit

import httpx

from members.models import Member
from tests.members.test_card import sign_in, wired  # noqa: F401 - shared fixture
from tests.wechat.conftest import sandbox, sandbox_server  # noqa: F401 - shared fixtures
from tests.wechat.support import APPID, Served
from wechat.models import Fan, OfficialAccount


async def local_fan(openid: str = "o_alice") -> Fan:
    account = await OfficialAccount.get(appid=APPID)
    return await Fan.create(account=account, openid=openid, subscribed=True)


async def authorize(client: httpx.AsyncClient, path: str, extra: str) -> httpx.Response:
    start = await client.get(path)
    assert start.status_code == 302
    url = start.headers["location"].split("#", 1)[0]
    async with httpx.AsyncClient() as browser:
        granted = await browser.get(f"{url}&{extra}")
    assert granted.status_code == 302
    back = urlsplit(granted.headers["location"])
    return await client.get(f"{back.path}?{back.query}")


async def test_userinfo_sign_in_gives_the_fan_and_member_a_nickname(
    client: httpx.AsyncClient, wired: Served
) -> None:
    fan = await local_fan()
    await sign_in(client)
    assert (await Fan.get(id=fan.id)).nickname == ""
    assert (await Member.get()).name == ""
    page = await client.get("/h5/member")
    assert 'data-testid="profile-link"' in page.text

    start = await client.get("/h5/member?profile=1")
    assert parse_qs(urlsplit(start.headers["location"]).query)["scope"] == ["snsapi_userinfo"]
    done = await authorize(client, "/h5/member?profile=1", "__as=o_alice")
    assert done.status_code == 303, done.text
    assert (await Fan.get(id=fan.id)).nickname == "爱丽丝"
    assert [m.name for m in await Member.all()] == ["爱丽丝"]
    card = await client.get("/h5/member")
    assert "爱丽丝" in card.text
    assert 'data-testid="profile-link"' not in card.text


async def test_silent_sign_in_asks_for_no_profile(client: httpx.AsyncClient, wired: Served) -> None:
    start = await client.get("/h5/member")
    assert parse_qs(urlsplit(start.headers["location"]).query)["scope"] == ["snsapi_base"]


async def test_refusing_the_consent_page_keeps_everything(
    client: httpx.AsyncClient, wired: Served
) -> None:
    fan = await local_fan()
    await sign_in(client)
    declined = await authorize(client, "/h5/member?profile=1", "__deny=1")
    assert (declined.status_code, declined.headers["location"]) == (
        303,
        "/h5/member?notice=declined",
    )
    page = await client.get(declined.headers["location"])
    assert "未获得微信昵称和头像授权" in page.text
    assert (await Fan.get(id=fan.id)).nickname == ""
    assert [m.name for m in await Member.all()] == [""]


async def test_a_declined_state_cannot_be_replayed(
    client: httpx.AsyncClient, wired: Served
) -> None:
    start = await client.get("/h5/member?profile=1")
    state = parse_qs(urlsplit(start.headers["location"].split("#", 1)[0]).query)["state"][0]
    first = await client.get(f"/h5/member/oauth?state={state}")
    assert first.status_code == 303
    again = await client.get(f"/h5/member/oauth?state={state}")
    assert again.status_code == 400
