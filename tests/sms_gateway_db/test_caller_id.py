"""Caller ID end to end: the simulator rings with +CLIP, the console's poll shows who it is."""

from datetime import UTC, datetime

import httpx

from crm_core import clock
from crm_core.org.models import Department, Store
from crm_core.sales.models import OrderStatus, SalesOrder, SalesRefund
from members.models import Member
from sms_gateway.models import SmsCall
from tests.factories import bearer, console_login, make_staff
from tests.sms_gateway_db.conftest import eventually
from tests.wechat.callback_support import make_account
from wechat.models import Fan


async def rang(times: int) -> None:
    async def check() -> bool:
        return sum(c.rings for c in await SmsCall.all()) == times

    await eventually(check)


async def test_ring_from_a_member_with_orders_pops_up_their_purchases(
    sim_factory, daemon_factory, client: httpx.AsyncClient
):
    store = await Store.create(
        code="S1", name="上海南京西路店", department=await Department.create(name="华东区")
    )
    member = await Member.create(
        name="王女士",
        phone="+8613800138000",
        card_no="880000000042",
        first_store_id=store.id,
        created_at=clock.utc_now(),
    )
    paid = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    first = await SalesOrder.create(
        store=store,
        order_no="A001",
        member_id=member.id,
        total_fen=39_900,
        refunded_fen=9_900,
        status=OrderStatus.PARTLY_REFUNDED,
        paid_at=paid,
        request_hash="x",
        created_at=paid,
    )
    await SalesRefund.create(
        order=first,
        refund_no="R1",
        amount_fen=9_900,
        refunded_at=paid,
        request_hash="x",
        created_at=paid,
    )
    await SalesOrder.create(
        store=store,
        order_no="A002",
        member_id=member.id,
        total_fen=12_850,
        paid_at=datetime(2026, 11, 1, 2, 0, tzinfo=UTC),
        request_hash="x",
        created_at=paid,
    )
    agent = await make_staff("service_agent", department=await Department.create(name="客服部"))
    # The agent's scope reaches this member (and their fan) through the inbox assignment only.
    fan = await Fan.create(
        account=await make_account(),
        openid="o_wang",
        member_id=member.id,
        assigned_staff_id=agent.id,
    )
    await console_login(client, agent.username)
    headers = await bearer(agent)
    poll = "/api/v1/sms/calls/poll"
    baseline = (await client.get(f"{poll}?after=-1", headers=headers)).json()
    assert baseline == {"latest": 0, "calls": []}

    sim = sim_factory()
    await daemon_factory(sim)
    sim.ring("13800138000", times=2)
    await rang(2)
    polled = (await client.get(f"{poll}?after=0", headers=headers)).json()
    [call] = polled["calls"]
    assert (call["number"], call["rings"]) == ("13800138000", 2)
    card = call["caller"]
    assert (card["known"], card["title"]) == (True, "王女士")
    assert card["sections"][1] == {
        "title": "客户",
        "fields": [
            {"label": "订单数", "value": "2 笔"},
            {"label": "累计消费", "value": "¥428.50"},
            {"label": "退款", "value": "1 笔，¥99.00"},
            {"label": "最近订单", "value": "2026-11-20 14:30 · 上海南京西路店 · ¥399.00 · A001"},
        ],
    }
    assert card["links"] == [
        {"label": "会员资料", "href": "/admin/members?phone=%2B8613800138000"},
        {"label": "微信粉丝", "href": f"/admin/wechat/fans/{fan.id}"},
    ]
    assert card["sections"][0]["fields"][2:4] == [
        {"label": "会员等级", "value": "未定级"},
        {"label": "可用积分", "value": "0"},
    ]
    listed = (await client.get("/api/v1/sms/calls", headers=headers)).json()
    assert [c["caller"] for c in listed["items"]] == [card]

    sim.ring("13999999999")
    await rang(3)
    after = polled["latest"]
    stranger = (await client.get(f"{poll}?after={after}", headers=headers)).json()
    assert [c["caller"] for c in stranger["calls"]] == [
        {
            "known": False,
            "title": "陌生来电",
            "sections": [],
            "links": [{"label": "新建会员检索", "href": "/admin/members?phone=%2B8613999999999"}],
        }
    ]
    # The link opens the SPA's member list (a page, never a 404), which searches that number.
    search = await client.get("/admin/members?phone=%2B8613999999999")
    assert search.status_code == 200
