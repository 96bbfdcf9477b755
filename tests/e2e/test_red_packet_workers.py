"""Real processes: two Celery workers get the same red packet job at once, and the WeChat
sandbox (its own process) pays it exactly once."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from crm_core import clock
from crm_core.audit import SYSTEM
from crm_core.celery import app as celery_app
from loyalty.lottery.models import Award, AwardStatus, PrizeKind
from loyalty.lottery.service import draw
from loyalty.redpackets.models import RedPacket, RedPacketStatus
from members.models import MemberIdentity
from tests.e2e.conftest import eventually, make_demo_account, sandbox_and_workers
from tests.loyalty.factories import make_activity, make_member, make_prize
from wechat.models import OfficialAccount
from wechat.sandbox.__main__ import DEMO_APP, DEMO_MERCHANT
from wechat.schemas import MerchantSet
from wechat.service import pay

pytestmark = pytest.mark.e2e
SEND = "/mmpaymkttransfers/sendredpack"


@pytest.fixture
def pay_stack(booted: object) -> Iterator[str]:
    with sandbox_and_workers("rp", 2) as sandbox:
        yield sandbox


async def test_the_same_job_on_two_workers_pays_one_red_packet(pay_stack: str) -> None:
    await make_demo_account()
    account = await OfficialAccount.get(appid=DEMO_APP["appid"])
    await pay.set_merchant(
        SYSTEM,
        MerchantSet(
            account_id=account.id,
            mch_id=str(DEMO_MERCHANT["mch_id"]),
            api_key=str(DEMO_MERCHANT["api_key"]),
            send_name="演示品牌",
        ),
    )  # type: ignore[arg-type]
    async with httpx.AsyncClient(base_url=pay_stack, timeout=15) as http:
        users = (await http.get("/sandbox/api/users", params={"appid": account.appid})).json()
        openid = users["users"][0]["openid"]
        member = await make_member()
        await MemberIdentity.create(
            member=member,
            kind="openid",
            appid=account.appid,
            value=openid,
            created_at=clock.utc_now(),
        )
        activity = await make_activity()
        await make_prize(activity, name="8.88元红包", kind=PrizeKind.RED_PACKET, red_packet_fen=888)
        won = await draw(activity.id, member.id, key="e2e-draw")
        packet = await RedPacket.get(source_id=won.award_id)
        # The first send is slow, so the second worker arrives while it is in flight.
        await http.post("/__admin/inject", json={"path": SEND, "latency_ms": 1500})
        for _ in range(2):
            celery_app.send_task("loyalty.send_red_packet", kwargs={"red_packet_id": packet.id})

        await eventually(lambda: RedPacket.get_or_none(id=packet.id, status=RedPacketStatus.SENT))
        await asyncio.sleep(2)  # any duplicate send would land now
        books = (await http.get("/__admin/redpacks")).json()
        calls = (await http.get("/__admin/state")).json()["calls"]

    assert [(p["openid"], p["total_amount"]) for p in books["redpacks"]] == [(openid, 888)]
    assert books["merchants"][0]["balance_fen"] == int(str(DEMO_MERCHANT["balance_fen"])) - 888
    assert calls[SEND] == 1
    assert (await Award.get(id=won.award_id)).status == AwardStatus.GRANTED
