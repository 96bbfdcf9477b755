"""Loyalty screens over /api/v1: the points page's account list, name search on the pickers,
the lottery detail read."""

import httpx

from members.models import Member
from tests.factories import bearer, make_department, make_staff, make_store
from tests.loyalty.factories import make_activity, make_member, make_template


async def test_account_list_pages_searches_and_follows_the_scope(client: httpx.AsyncClient) -> None:
    east, south = await make_department("华东"), await make_department("华南")
    sh, sz = await make_store(east, code="SH1"), await make_store(south, code="SZ1")
    rich = await make_member(points=120, name="王富")
    poor = await make_member(name="王穷")
    far = await make_member(points=5, name="赵远")
    await Member.filter(id__in=[rich.id, poor.id]).update(first_store_id=sh.id)
    await Member.filter(id=far.id).update(first_store_id=sz.id, card_no="880009")
    admin = await bearer(await make_staff("admin"))
    found = await client.get("/api/v1/loyalty/accounts", params={"q": "王"}, headers=admin)
    assert found.status_code == 200, found.text
    assert found.json() == {
        "items": [
            {
                "member_id": poor.id,
                "name": "王穷",
                "phone": None,
                "card_no": None,
                "balance": 0,
                "lifetime_earned": 0,
                "tier_id": None,
            },
            {
                "member_id": rich.id,
                "name": "王富",
                "phone": None,
                "card_no": None,
                "balance": 120,
                "lifetime_earned": 120,
                "tier_id": None,
            },
        ],
        "total": 2,
        "page": 1,
        "page_size": 30,
    }
    by_card = await client.get("/api/v1/loyalty/accounts", params={"q": "880009"}, headers=admin)
    assert [r["balance"] for r in by_card.json()["items"]] == [5]
    manager = await bearer(await make_staff("store_manager", department=south, store=sz))
    scoped = await client.get("/api/v1/loyalty/accounts", headers=manager)
    assert [r["name"] for r in scoped.json()["items"]] == ["赵远"]


async def test_pickers_search_by_name_and_lottery_detail(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    await make_template(name="满100减10")
    wanted = await make_template(name="生日礼券")
    found = await client.get(
        "/api/v1/loyalty/coupon-templates", params={"q": "生日"}, headers=admin
    )
    assert [t["id"] for t in found.json()] == [wanted.id]
    wheel = await make_activity(name="端午大转盘")
    await make_activity(name="中秋抽奖")
    lotteries = await client.get("/api/v1/loyalty/lotteries", params={"q": "端午"}, headers=admin)
    assert [a["name"] for a in lotteries.json()] == ["端午大转盘"]
    detail = await client.get(f"/api/v1/loyalty/lotteries/{wheel.id}", headers=admin)
    assert (detail.status_code, detail.json()["name"]) == (200, "端午大转盘")
    missing = await client.get("/api/v1/loyalty/lotteries/999999", headers=admin)
    assert missing.status_code == 404
    items = await client.get("/api/v1/loyalty/mall/items", params={"q": "无此商品"}, headers=admin)
    assert items.json() == []
