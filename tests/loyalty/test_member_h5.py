"""Member center H5, loyalty part: balance, history and the daily check-in, as the member."""

import httpx

from loyalty.checkin.models import Checkin, StreakReward
from loyalty.redpackets.models import RedPacket
from tests.loyalty.factories import make_program
from tests.members.test_card import sign_in, wired  # noqa: F401 - fixture and helper
from tests.wechat.conftest import sandbox, sandbox_server  # noqa: F401 - shared fixtures
from tests.wechat.support import Served


async def test_check_in_once_a_day_and_see_the_points(
    client: httpx.AsyncClient, wired: Served
) -> None:
    await make_program(checkin_points=5)
    await sign_in(client)
    page = await client.get("/h5/member/points")
    assert page.status_code == 200
    assert 'data-testid="points-balance">0<' in page.text
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    first = await client.post("/h5/member/checkin", data={"csrf_token": token})
    shown = await client.get(first.headers["location"])
    assert "签到成功！已连续签到 1 天，获得 5 积分" in shown.text
    assert 'data-testid="points-balance">5<' in shown.text
    assert "签到" in shown.text.split('data-testid="history"', 1)[1]
    again = await client.post("/h5/member/checkin", data={"csrf_token": token})
    refused = await client.get(again.headers["location"])
    assert "今天已经签到过了" in refused.text
    assert 'data-testid="points-balance">5<' in refused.text
    assert await Checkin.all().count() == 1


async def test_points_page_needs_a_signed_in_member(client: httpx.AsyncClient) -> None:
    response = await client.get("/h5/member/points")
    assert (response.status_code, response.headers["location"]) == (303, "/h5/member")
    forged = await client.post("/h5/member/checkin", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert await Checkin.all().count() == 0


async def test_a_streak_red_packet_is_announced_after_the_check_in(
    client: httpx.AsyncClient, wired: Served
) -> None:
    await make_program(checkin_points=5)
    await StreakReward.create(streak_days=1, red_packet_fen=888)
    await sign_in(client)
    page = await client.get("/h5/member/points")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = await client.post("/h5/member/checkin", data={"csrf_token": token})
    shown = await client.get(done.headers["location"])
    assert "获得 5 积分，另有微信红包 8.88 元，请在公众号消息中领取" in shown.text
    assert [p.amount_fen for p in await RedPacket.all()] == [888]
