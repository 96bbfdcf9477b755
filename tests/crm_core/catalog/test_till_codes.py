"""Till product codes → SKUs: the lookup, the map admins keep, and the unmapped report."""

from datetime import UTC, datetime

import httpx

from crm_core import clock
from crm_core.catalog.models import TillCode
from crm_core.catalog.service.till_codes import skus_for_till_codes
from crm_core.sales.models import SalesOrder, SalesOrderLine
from tests.crm_core.catalog.factories import make_sku
from tests.factories import bearer, make_department, make_staff, make_store


async def till_order(order_no: str, paid_at: datetime, *lines: tuple[str, str]) -> None:
    store = await make_store(await make_department())
    order = await SalesOrder.create(
        store=store,
        order_no=order_no,
        total_fen=100 * len(lines),
        paid_at=paid_at,
        request_hash="x",
        created_at=clock.utc_now(),
    )
    for code, name in lines:
        await SalesOrderLine.create(
            order=order,
            product_code=code,
            product_name=name,
            quantity=1,
            unit_price_fen=100,
            amount_fen=100,
        )


async def test_unmapped_codes_are_reported_until_mapped(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    sku = await make_sku("绿茶", "GT-1", 500)
    first, last = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 2, tzinfo=UTC)
    await till_order("A1", first, ("GT-1", "绿茶"), ("690123", "绿茶 250g"), ("X9", "杯子"))
    await till_order("A2", last, ("690123", "绿茶 250g"))

    report = await client.get("/api/v1/catalog/till-codes/unmapped", headers=admin)
    assert report.status_code == 200, report.text
    assert [(r["code"], r["name"], r["line_count"]) for r in report.json()] == [
        ("690123", "绿茶 250g", 2),
        ("X9", "杯子", 1),
    ]
    assert report.json()[0]["last_paid_at"] == "2026-05-02T00:00:00Z"

    mapped = await client.post(
        "/api/v1/catalog/till-codes", json={"code": "690123", "sku_id": sku.id}, headers=admin
    )
    assert mapped.status_code == 201, mapped.text
    assert mapped.json() == {
        "code": "690123",
        "sku_id": sku.id,
        "sku_code": "GT-1",
        "product_name": "绿茶",
    }
    report = await client.get("/api/v1/catalog/till-codes/unmapped", headers=admin)
    assert [r["code"] for r in report.json()] == ["X9"]
    found = await skus_for_till_codes(["690123", "GT-1", "X9"])
    assert {code: s.code for code, s in found.items()} == {"690123": "GT-1", "GT-1": "GT-1"}
    lookup = await client.get(
        "/api/v1/catalog/till-codes/lookup", params={"code": ["690123", "X9"]}, headers=admin
    )
    assert {k: v["id"] for k, v in lookup.json().items()} == {"690123": sku.id}


async def test_a_code_maps_to_one_sku(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    tea = await make_sku("绿茶", "GT-1", 500)
    cup = await make_sku("杯子", "CUP", 900)
    await client.post(
        "/api/v1/catalog/till-codes", json={"code": "690123", "sku_id": tea.id}, headers=admin
    )
    for code in ("690123", "GT-1"):
        again = await client.post(
            "/api/v1/catalog/till-codes", json={"code": code, "sku_id": cup.id}, headers=admin
        )
        assert again.status_code == 409
        assert again.json()["error"] == "till_code_taken"
    missing = await client.post(
        "/api/v1/catalog/till-codes", json={"code": "Z", "sku_id": 99_999}, headers=admin
    )
    assert missing.status_code == 404
    assert await TillCode.all().values_list("code", "sku_id") == [("690123", tea.id)]
