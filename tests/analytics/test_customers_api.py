"""Customer analysis API: exact figures in the caller's data scope, masked phones, 403
without the permission, 422 on bad filters."""

from datetime import timedelta

import httpx

from analytics.customers import service
from analytics.customers.models import MemberRfm
from crm_core import clock
from crm_core.org.models import Store
from crm_core.sales.models import OrderStatus, SalesOrder
from members.models import Member
from tests.analytics.test_rfm import NOW, build
from tests.factories import bearer, make_department, make_staff, make_store


async def world() -> tuple[Store, dict[str, int]]:
    ids = await build()
    await Member.filter(id=ids["A"]).update(phone="+8613800138000", province="上海")
    outside = await make_store(await make_department())
    other = await Member.create(name="外店", first_store_id=outside.id, created_at=NOW)
    await SalesOrder.create(
        store=outside,
        order_no="X0",
        member_id=other.id,
        total_fen=70000,
        status=OrderStatus.PAID,
        paid_at=NOW - timedelta(days=3),
        request_hash="x",
        created_at=NOW,
    )
    with clock.freeze(NOW):
        assert await service.rebuild_rfm() == 6
    store = await Store.get(id=(await Member.get(id=ids["A"])).first_store_id)
    return store, ids


async def test_store_manager_sees_own_members_only(client: httpx.AsyncClient) -> None:
    store, ids = await world()
    manager = await make_staff("store_manager", department=await store.department, store=store)
    headers = await bearer(manager)
    classes = (await client.get("/api/v1/analytics/rfm/classes", headers=headers)).json()
    assert sum(c["members"] for c in classes) == 5
    assert sum(c["monetary_fen"] for c in classes) == 97000
    page = (
        await client.get("/api/v1/analytics/rfm/members", params={"rfm_class": ""}, headers=headers)
    ).json()
    assert page["total"] == 5
    assert [i["member_id"] for i in page["items"]] == [ids[k] for k in "CADBE"]
    assert page["items"][1]["phone_masked"] == "138****8000"
    assert "13800138000" not in str(page)
    with clock.freeze(NOW):
        churn = (await client.get("/api/v1/analytics/churn", headers=headers)).json()
    assert (churn["buyers"], churn["churned"], churn["at_risk"]) == (5, 1, 1)
    assert churn["trend"] == [{"key": "2026-05", "buyers": 0, "churned": 1}]
    risk = (await client.get("/api/v1/analytics/churn/risk", headers=headers)).json()
    assert [i["member_id"] for i in risk["items"]] == [ids["B"]]


async def test_admin_sees_every_member(client: httpx.AsyncClient) -> None:
    await world()
    headers = await bearer(await make_staff("admin"))
    classes = (await client.get("/api/v1/analytics/rfm/classes", headers=headers)).json()
    assert sum(c["members"] for c in classes) == 6
    with clock.freeze(NOW):
        rows = (
            await client.get(
                "/api/v1/analytics/acquisition", params={"by": "channel"}, headers=headers
            )
        ).json()
    assert rows == [{"month": "2026-06", "key": "未知", "members": 7}]


async def test_without_permission_403_and_bad_filter_422(client: httpx.AsyncClient) -> None:
    await world()
    before = await MemberRfm.all().count()
    guide = await bearer(await make_staff("guide"))
    response = await client.get("/api/v1/analytics/rfm/classes", headers=guide)
    assert response.status_code == 403
    admin = await bearer(await make_staff("admin"))
    response = await client.get(
        "/api/v1/analytics/rfm/members", params={"rfm_class": "vip"}, headers=admin
    )
    assert response.status_code == 422
    assert await MemberRfm.all().count() == before
