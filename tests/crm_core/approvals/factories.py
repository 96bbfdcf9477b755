"""A sales organisation with an approval chain: a director at 总部, a manager and two reps in
华东, a rep in 华南; and a customer of the first rep."""

from dataclasses import dataclass

import httpx

from crm_core.customers.models import Customer
from crm_core.org.models import Department, Staff
from tests.crm_core.customers.factories import make_customer
from tests.factories import bearer, make_staff


@dataclass
class Org:
    director: Staff
    manager: Staff
    rep: Staff
    mate: Staff
    far: Staff
    customer: Customer


async def make_org() -> Org:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    rep = await make_staff("sales_rep", department=east, username="rep")
    return Org(
        director=await make_staff("sales_director", department=root, username="director"),
        manager=await make_staff("sales_manager", department=east, username="manager"),
        rep=rep,
        mate=await make_staff("sales_rep", department=east, username="mate"),
        far=await make_staff("sales_rep", department=south, username="far"),
        customer=await make_customer(rep, "张三", "13800138000"),
    )


async def submit(
    client: httpx.AsyncClient, who: Staff, customer_id: int, amount_fen: int | None
) -> httpx.Response:
    return await client.post(
        "/api/v1/approvals/requests",
        json={
            "kind": "customer",
            "record_id": customer_id,
            "amount_fen": amount_fen,
            "reason": "老客户",
        },
        headers=await bearer(who),
    )


async def decide(
    client: httpx.AsyncClient, who: Staff, request_id: int, verb: str, **body: object
) -> httpx.Response:
    return await client.post(
        f"/api/v1/approvals/requests/{request_id}/{verb}", json=body, headers=await bearer(who)
    )
