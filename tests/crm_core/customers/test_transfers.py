"""Transfers: one or many customers to another active rep, history kept, audited, and the new
owner's scope (and phone policy) applies at once."""

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.customers.models import Customer, TransferRecord
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer, make_staff


async def owners() -> list[tuple[int, int | None, int | None]]:
    return [(c.id, c.owner_id, c.department_id) for c in await Customer.all().order_by("id")]


async def test_a_manager_hands_a_leavers_customers_to_a_teammate(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    a = await make_customer(team.rep, "张三", "13800138001")
    b = await make_customer(team.rep, "李四", "13800138002")
    c = await make_customer(team.mate, "王五", "13800138003")
    response = await client.post(
        "/api/v1/customers/transfers",
        json={
            "customer_ids": [a.id, b.id, c.id, a.id],
            "to_staff_id": team.mate.id,
            "reason": "离职交接",
        },
        headers=await bearer(team.manager),
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"transferred": 2, "unchanged": 1}
    assert await owners() == [
        (a.id, team.mate.id, team.east.id),
        (b.id, team.mate.id, team.east.id),
        (c.id, team.mate.id, team.east.id),
    ]
    history = [
        (t.customer_id, t.from_staff_id, t.to_staff_id, t.by_staff_id, t.reason)
        for t in await TransferRecord.all().order_by("customer_id")
    ]
    assert history == [
        (a.id, team.rep.id, team.mate.id, team.manager.id, "离职交接"),
        (b.id, team.rep.id, team.mate.id, team.manager.id, "离职交接"),
    ]
    entry = await AuditLog.get(action="customer.transferred")
    assert (entry.after, entry.reason) == (
        {"customer_ids": [a.id, b.id], "to_staff_id": team.mate.id},
        "离职交接",
    )
    # At once: the old owner no longer sees them, the new one sees their full numbers.
    old = await client.get("/api/v1/customers", headers=await bearer(team.rep))
    assert old.json()["items"] == []
    new = await client.get(f"/api/v1/customers/{a.id}", headers=await bearer(team.mate))
    assert new.json()["phone"] == "13800138001"
    shown = await client.get(f"/api/v1/customers/{a.id}/transfers", headers=await bearer(team.mate))
    assert [(t["from_name"], t["to_name"], t["reason"]) for t in shown.json()] == [
        ("测试员工", "测试员工", "离职交接")
    ]


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("outside-customer", 404, "customer_not_found"),
        ("missing-customer", 404, "customer_not_found"),
        ("outside-target", 404, "staff_not_found"),
        ("inactive-target", 409, "owner_not_eligible"),
        ("guide-target", 409, "owner_not_eligible"),
        ("too-many", 422, "validation_error"),
        ("none", 422, "validation_error"),
    ],
)
async def test_refused_transfers_change_nothing(
    client: httpx.AsyncClient, case: str, status: int, code: str
) -> None:
    team = await make_team()
    mine = await make_customer(team.rep, "张三", "13800138001")
    theirs = await make_customer(team.far, "李四", "13800138002")
    leaver = await make_staff("sales_rep", department=team.east, is_active=False)
    guide = await make_staff("guide", department=team.east)
    body: dict[str, object] = {"customer_ids": [mine.id], "to_staff_id": team.mate.id}
    body.update(
        {
            "outside-customer": {"customer_ids": [mine.id, theirs.id]},
            "missing-customer": {"customer_ids": [mine.id, 999999]},
            "outside-target": {"to_staff_id": team.far.id},
            "inactive-target": {"to_staff_id": leaver.id},
            "guide-target": {"to_staff_id": guide.id},
            "too-many": {"customer_ids": list(range(1, 502))},
            "none": {"customer_ids": []},
        }[case]
    )
    before = await owners()
    response = await client.post(
        "/api/v1/customers/transfers", json=body, headers=await bearer(team.manager)
    )
    assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert await owners() == before
    assert await TransferRecord.all().count() == 0
    assert await AuditLog.filter(action="customer.transferred").count() == 0


async def test_a_rep_may_not_transfer(client: httpx.AsyncClient) -> None:
    team = await make_team()
    mine = await make_customer(team.rep, "张三", "13800138001")
    response = await client.post(
        "/api/v1/customers/transfers",
        json={"customer_ids": [mine.id], "to_staff_id": team.mate.id},
        headers=await bearer(team.rep),
    )
    assert (response.status_code, response.json()["error"]) == (403, "permission_denied")
    assert (await Customer.get(id=mine.id)).owner_id == team.rep.id


async def test_five_hundred_at_once(client: httpx.AsyncClient) -> None:
    team = await make_team()
    ids = [(await make_customer(team.rep, f"客户{n}", f"138{n:08d}")).id for n in range(500)]
    response = await client.post(
        "/api/v1/customers/transfers",
        json={"customer_ids": ids, "to_staff_id": team.mate.id},
        headers=await bearer(team.admin),
    )
    assert response.json() == {"transferred": 500, "unchanged": 0}
    assert await Customer.filter(owner_id=team.mate.id).count() == 500
    assert await TransferRecord.all().count() == 500
