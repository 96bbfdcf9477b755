"""Mall orders and prize awards carry recipients, phones and addresses: they follow the data
scope of their member's store, as members do (out of scope: 404, nothing changed)."""

from typing import Any

import httpx

from crm_core.org.models import Department
from loyalty.lottery.schemas import AddressSubmit
from loyalty.lottery.service import draw, submit_address
from loyalty.mall.schemas import ExchangeCreate
from loyalty.mall.service import exchange
from members.models import Member
from tests.crm_core.test_access_matrix import snapshot
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import make_activity, make_member, make_prize

MALL = "/api/v1/loyalty/mall/orders"
AWARDS = "/api/v1/loyalty/lottery-awards"


async def two_regions() -> dict[str, Any]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    east_store = await make_store(east, code="SH001")
    south_store = await make_store(south, code="SZ001")
    activity = await make_activity()
    await make_prize(activity, name="保温杯", weight=1, stock=10)
    world: dict[str, Any] = {
        "sz_manager": await make_staff("store_manager", department=south, store=south_store),
        "marketer": await make_staff("marketer", department=root),
    }
    from loyalty.mall.models import ItemKind, MallItem

    item = await MallItem.create(name="帆布袋", kind=ItemKind.PHYSICAL, points_price=10, stock=10)
    for side, store, phone in (("east", east_store, "13800000001"), ("south", south_store, "")):
        member = await make_member(points=100, name=f"{side}会员")
        await Member.filter(id=member.id).update(first_store_id=store.id)
        order = await exchange(
            item.id,
            ExchangeCreate(
                member_id=member.id,
                idempotency_key=f"scope-{side}",
                recipient=f"{side}收件人",
                phone=phone or "13900000002",
                address=f"{side}路1号",
            ),
        )
        won = await draw(activity.id, member.id, key=f"scope-draw-{side}")
        assert won.award_id is not None
        await submit_address(
            member.id,
            won.award_id,
            AddressSubmit(recipient=f"{side}领奖人", phone="13700000003", address=f"{side}街2号"),
        )
        world[side] = {"member": member.id, "order": order.id, "award": won.award_id}
    return world


async def test_a_store_manager_lists_only_their_regions_orders_and_awards(
    client: httpx.AsyncClient,
) -> None:
    world = await two_regions()
    headers = await bearer(world["sz_manager"])
    orders = await client.get(MALL, headers=headers)
    assert [(o["member_id"], o["recipient"]) for o in orders.json()] == [
        (world["south"]["member"], "south收件人")
    ]
    awards = await client.get(AWARDS, headers=headers)
    assert [(a["member_id"], a["recipient"]) for a in awards.json()] == [
        (world["south"]["member"], "south领奖人")
    ]
    everything = await client.get(MALL, headers=await bearer(world["marketer"]))
    assert len(everything.json()) == 2


async def test_out_of_scope_orders_and_awards_cannot_be_changed(
    client: httpx.AsyncClient,
) -> None:
    world = await two_regions()
    headers = await bearer(world["sz_manager"])
    # A service agent of the east region holds the lottery edit permission: the south prize
    # is out of their reach.
    agent = await make_staff("service_agent", department=await Department.get(name="华东"))
    before = await snapshot()
    order = await client.patch(
        f"{MALL}/{world['east']['order']}", json={"status": "shipped"}, headers=headers
    )
    assert (order.status_code, order.json()["error"]) == (404, "mall_order_not_found")
    award = await client.patch(
        f"{AWARDS}/{world['south']['award']}",
        json={"status": "shipped"},
        headers=await bearer(agent),
    )
    assert (award.status_code, award.json()["error"]) == (404, "award_not_found")
    assert await snapshot() == before
    mine = await client.patch(
        f"{MALL}/{world['south']['order']}",
        json={"status": "shipped", "tracking_no": "SF1"},
        headers=headers,
    )
    assert (mine.status_code, mine.json()["status"]) == (200, "shipped")
