"""A till order credits its member's points, so the member must be one the till's operator may
see: a member outside the data scope and a member that does not exist are refused alike
(404 member_not_found) before any order row or job exists."""

import httpx
import pytest

from crm_core.jobs import Job
from crm_core.org.models import Department
from crm_core.sales.models import SalesOrder
from members.models import Member
from tests.crm_core.test_access_matrix import snapshot
from tests.factories import bearer, make_staff, make_store
from tests.loyalty.factories import make_member
from tests.loyalty.test_purchases import order_body


async def south_till() -> tuple[dict[str, str], int, dict[str, int]]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    east_store = await make_store(east, code="SH001")
    south_store = await make_store(south, code="SZ001")
    manager = await make_staff("store_manager", department=south, store=south_store)
    members = {}
    for side, store in (("east", east_store), ("south", south_store)):
        member = await make_member(name=f"{side}会员")
        await Member.filter(id=member.id).update(first_store_id=store.id)
        members[side] = member.id
    return await bearer(manager), south_store.id, members


@pytest.mark.parametrize("who", ["out_of_scope", "missing"])
async def test_a_till_order_for_a_member_out_of_reach_is_refused_before_anything_is_written(
    client: httpx.AsyncClient, published_jobs: list[Job], who: str
) -> None:
    headers, store_id, members = await south_till()
    member_id = members["east"] if who == "out_of_scope" else 999999
    before = await snapshot()
    response = await client.post(
        "/api/v1/sales/orders", json=order_body(store_id, member_id), headers=headers
    )
    assert response.status_code == 404, response.text
    assert response.json() == {"error": "member_not_found", "detail": "会员不存在"}
    assert await SalesOrder.all().count() == 0
    assert published_jobs == []
    assert await snapshot() == before


async def test_a_till_order_for_a_member_in_scope_or_for_nobody_is_recorded(
    client: httpx.AsyncClient, published_jobs: list[Job]
) -> None:
    headers, store_id, members = await south_till()
    mine = await client.post(
        "/api/v1/sales/orders", json=order_body(store_id, members["south"]), headers=headers
    )
    assert (mine.status_code, mine.json()["member_id"]) == (201, members["south"])
    anonymous = order_body(store_id, members["south"], number="T0002")
    anonymous["member_id"] = None
    walk_in = await client.post("/api/v1/sales/orders", json=anonymous, headers=headers)
    assert (walk_in.status_code, walk_in.json()["member_id"]) == (201, None)
    assert [j.name for j in published_jobs].count("loyalty.award_purchase_points") == 2
