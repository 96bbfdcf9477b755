"""Contracts and orders in the customer 360, and the PII scanner over every GET of contracts
and orders: no full number of a customer someone else owns reaches a viewer."""

import httpx
import pytest

from crm_core import clock
from crm_core.org.models import Staff
from scrm.app import create_app
from tests.crm_core.contracts.factories import contract_body
from tests.crm_core.contracts.test_orders import NOW, approved_contract, place
from tests.crm_core.customers.factories import make_customer
from tests.factories import bearer


def crawled_gets() -> list[str]:
    routes = []
    for route in create_app(boot=False).routes:
        if hasattr(route, "effective_route_contexts"):
            routes += [c for c in route.effective_route_contexts() if hasattr(c, "dependant")]
    return sorted(
        r.path
        for r in routes
        if r.path.startswith(("/api/v1/contracts", "/api/v1/orders")) and "GET" in r.methods
    )


def test_the_crawl_covers_every_contracts_and_orders_get() -> None:
    assert crawled_gets() == [
        "/api/v1/contracts",
        "/api/v1/contracts/{contract_id}",
        "/api/v1/contracts/{contract_id}/attachments/{attachment_id}",
        "/api/v1/orders",
        "/api/v1/orders/contract-lines/{contract_id}",
        "/api/v1/orders/{contract_order_id}",
        "/api/v1/orders/{contract_order_id}/proof",
    ]


@pytest.mark.parametrize("who", ["rep", "manager", "director"])
async def test_no_full_number_of_anothers_customer_reaches_a_viewer(
    client: httpx.AsyncClient, who: str
) -> None:
    org, contract = await approved_contract(client)
    order = (await place(client, org, contract, [1, 1])).json()
    tea, cup = await _skus()
    # The mate's contract on their own customer: the rep does not see it, the manager masked.
    mates = await make_customer(org.mate, "王五", "13700137000")
    with clock.freeze(NOW):
        other = await client.post(
            "/api/v1/contracts",
            json=contract_body(mates.id, tea, cup),
            headers=await bearer(org.mate),
        )
    assert other.status_code == 201, other.text
    viewer: Staff = getattr(org, who)
    headers = await bearer(viewer)
    bodies = []
    for path in crawled_gets():
        for contract_id in (contract["id"], other.json()["id"]):
            url = path.format(
                contract_id=contract_id, attachment_id=1, contract_order_id=order["id"]
            )
            for params in ({}, {"q": "13700137000"}, {"q": "王五"}, {"customer_id": mates.id}):
                bodies.append((await client.get(url, params=params, headers=headers)).text)
    crawled = "\n".join(bodies)
    secret = ["13700137000", "137 0013 7000"]
    assert [s for s in secret if s in crawled] == []
    if who == "rep":
        assert "13800138000" in crawled  # the rep's own customer shows in full
    else:
        assert "137****7000" in crawled


async def _skus() -> tuple[int, int]:
    from crm_core.catalog.models import Sku

    return tuple(await Sku.all().order_by("id").values_list("id", flat=True))  # type: ignore[return-value]


async def test_the_360_lists_the_customers_contracts_and_orders(client: httpx.AsyncClient) -> None:
    org, contract = await approved_contract(client)
    await place(client, org, contract, [2, 0])
    shown = await client.get(
        f"/api/v1/customers/{org.customer.id}/overview", headers=await bearer(org.rep)
    )
    sections = {s["key"]: s for s in shown.json()["sections"]}
    assert (sections["contracts"]["subtitle"], sections["contracts"]["table"]["rows"]) == (
        "共 1 份",
        [
            {
                "number": "HT-2026-0001",
                "title": "年度供货合同",
                "amount": "1,362.00",
                "status": "已通过",
                "signed": "",
                "owner": org.rep.name,
            }
        ],
    )
    assert sections["orders"]["table"]["rows"] == [
        {
            "number": "DD-2026-0001",
            "contract": "HT-2026-0001",
            "amount": "258.00",
            "status": "审核中",
            "owner": org.rep.name,
        }
    ]
    # Someone outside the scope sees the sections empty.
    far = await client.get(
        f"/api/v1/customers/{org.customer.id}/overview", headers=await bearer(org.far)
    )
    assert far.status_code == 404
