"""Purchases through the till API: points once whatever the retries, tier upgrade at once,
refunds reverse points (never below zero), downgrade only at re-evaluation."""

from datetime import timedelta

import httpx

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.jobs import Job
from crm_core.sales.models import SalesOrder
from loyalty.events import POINTS_CHANGED, TIER_CHANGED
from loyalty.points.models import Account, EntryKind, PointsEntry
from loyalty.points.service.accounts import check_invariants, redeem_points
from loyalty.program.service import reevaluate_tier, reevaluate_tiers
from loyalty.tasks import award_purchase_points, reverse_purchase_points
from members.models import Member
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_any_store, make_member, make_program, make_tiers


def order_body(
    store_id: int,
    member_id: int,
    *,
    number: str = "T0001",
    price_fen: int = 60000,
    quantity: int = 2,
) -> dict[str, object]:
    return {
        "order_no": number,
        "store_id": store_id,
        "member_id": member_id,
        "lines": [
            {
                "product_code": "SKU-1",
                "product_name": "羊毛大衣",
                "quantity": quantity,
                "unit_price_fen": price_fen,
            }
        ],
        "paid_at": clock.utc_now().isoformat(),
    }


async def run_jobs(jobs: list[Job]) -> None:
    for job in list(jobs):
        if job.name == "loyalty.award_purchase_points":
            await award_purchase_points(**job.kwargs)
        elif job.name == "loyalty.reverse_purchase_points":
            await reverse_purchase_points(**job.kwargs)


async def test_a_purchase_earns_once_whatever_the_retries(
    client: httpx.AsyncClient, published_jobs: list[Job]
) -> None:
    await make_program(points_per_yuan=1)
    tiers = await make_tiers()
    store, member = await make_any_store(), await make_member()
    # The till's store manager sees the members first captured in their store.
    await Member.filter(id=member.id).update(first_store_id=store.id)
    headers = await bearer(
        await make_staff("store_manager", store=store, department=await store.department)
    )
    body = order_body(store.id, member.id)

    first = await client.post("/api/v1/sales/orders", json=body, headers=headers)
    again = await client.post("/api/v1/sales/orders", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["total_fen"] == 120000
    assert await AuditLog.filter(action="sales.order_recorded").values_list(
        "target_id", "after"
    ) == [
        (
            str(first.json()["id"]),
            {
                "store_id": store.id,
                "order_no": body["order_no"],
                "member_id": member.id,
                "total_fen": 120000,
            },
        )
    ]
    assert [j.name for j in published_jobs].count("loyalty.award_purchase_points") == 2
    await run_jobs(published_jobs)
    await run_jobs(published_jobs)
    entries = await PointsEntry.filter(kind=EntryKind.PURCHASE)
    assert [(e.delta, e.idempotency_key) for e in entries] == [
        (1200, f"order:{first.json()['id']}:earn")
    ]
    account = await Account.get(member_id=member.id)
    # 1,200 points in the window reach silver (1,000) at once.
    assert (account.balance, account.tier_id) == (1200, tiers[1].id)
    assert [j.kwargs["to_tier_id"] for j in published_jobs if j.name == TIER_CHANGED] == [
        tiers[1].id
    ]


async def test_same_order_number_with_different_content_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    store, member = await make_any_store(), await make_member()
    headers = await bearer(await make_staff("admin"))
    assert (
        await client.post(
            "/api/v1/sales/orders", json=order_body(store.id, member.id), headers=headers
        )
    ).status_code == 201
    response = await client.post(
        "/api/v1/sales/orders", json=order_body(store.id, member.id, price_fen=1), headers=headers
    )
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_order"
    assert await SalesOrder.all().count() == 1


async def test_gold_multiplier_applies_to_spend(
    published_jobs: list[Job], client: httpx.AsyncClient
) -> None:
    await make_program(points_per_yuan=1)
    tiers = await make_tiers()
    store, member = await make_any_store(), await make_member()
    await Account.create(member_id=member.id, tier_id=tiers[2].id, created_at=clock.utc_now())
    headers = await bearer(await make_staff("admin"))
    await client.post(
        "/api/v1/sales/orders",
        json=order_body(store.id, member.id, price_fen=10001, quantity=1),
        headers=headers,
    )
    await run_jobs(published_jobs)
    # 100.01 yuan × 1.5 = 150.015 → 150 whole points.
    assert (await Account.get(member_id=member.id)).balance == 150


async def test_refund_reverses_points_and_forgives_what_was_spent(
    client: httpx.AsyncClient, published_jobs: list[Job]
) -> None:
    await make_program(points_per_yuan=1)
    store, member = await make_any_store(), await make_member()
    headers = await bearer(await make_staff("admin"))
    order = (
        await client.post(
            "/api/v1/sales/orders", json=order_body(store.id, member.id), headers=headers
        )
    ).json()
    await run_jobs(published_jobs)
    published_jobs.clear()
    await redeem_points(member.id, 1000, key="spend-most-of-it")

    half = {"refund_no": "RF1", "amount_fen": 60000, "refunded_at": clock.utc_now().isoformat()}
    refund = await client.post(
        f"/api/v1/sales/orders/{order['id']}/refunds", json=half, headers=headers
    )
    assert refund.status_code == 201
    await run_jobs(published_jobs)
    await run_jobs(published_jobs)

    reversal = await PointsEntry.get(kind=EntryKind.REFUND)
    # 600 points are due back; only 200 are left, so 400 are forgiven and recorded.
    assert (reversal.delta, reversal.forgiven, reversal.balance_after) == (-200, 400, 0)
    assert (await Account.get(member_id=member.id)).balance == 0
    assert await check_invariants() == []
    too_much = {"refund_no": "RF2", "amount_fen": 60001, "refunded_at": clock.utc_now().isoformat()}
    response = await client.post(
        f"/api/v1/sales/orders/{order['id']}/refunds", json=too_much, headers=headers
    )
    assert (response.status_code, response.json()["error"]) == (409, "refund_exceeds_order")
    assert (await SalesOrder.get(id=order["id"])).refunded_fen == 60000
    assert await AuditLog.filter(action="sales.refund_recorded").values_list(
        "target_id", "before", "after"
    ) == [
        (
            str(order["id"]),
            {"refunded_fen": 0},
            {
                "refund_id": refund.json()["id"],
                "refund_no": "RF1",
                "amount_fen": 60000,
                "refunded_fen": 60000,
            },
        )
    ]


async def test_downgrade_waits_for_the_reevaluation(published_jobs: list[Job]) -> None:
    await make_program(points_per_yuan=1, tier_window_days=365)
    tiers = await make_tiers()
    store, member = await make_any_store(), await make_member()
    order = await SalesOrder.create(
        store_id=store.id,
        order_no="X1",
        member_id=member.id,
        total_fen=600000,
        paid_at=clock.utc_now(),
        request_hash="x",
        created_at=clock.utc_now(),
    )
    await award_purchase_points(order.id)
    assert (await Account.get(member_id=member.id)).tier_id == tiers[2].id

    clock.advance(timedelta(days=200))
    await redeem_points(member.id, 6000, key="spend-all-6000")
    assert (await Account.get(member_id=member.id)).tier_id == tiers[2].id
    assert await reevaluate_tier(member.id) == tiers[2].id

    clock.advance(timedelta(days=200))
    published_jobs.clear()
    assert await reevaluate_tiers() == 1
    assert (await Account.get(member_id=member.id)).tier_id == tiers[0].id
    changed = [j.kwargs for j in published_jobs if j.name == TIER_CHANGED]
    assert changed == [
        {
            "member_id": member.id,
            "from_tier_id": tiers[2].id,
            "to_tier_id": tiers[0].id,
            "reason": "reevaluation",
        }
    ]
    assert not any(j.name == POINTS_CHANGED for j in published_jobs)
