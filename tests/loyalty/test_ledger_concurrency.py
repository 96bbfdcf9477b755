"""LG-9 on real PostgreSQL: concurrent redemptions, one key many times, expiry racing spends."""

import asyncio
import contextlib
from datetime import timedelta

from crm_core import clock
from crm_core.errors import CRMError
from loyalty.points.models import Account, EntryKind, PointsEntry
from loyalty.points.service.accounts import (
    check_invariants,
    earn_points,
    expire_points,
    redeem_points,
)
from tests.loyalty.factories import make_member, make_program


async def test_200_concurrent_redemptions_of_10_from_1000_spend_exactly_the_balance() -> None:
    member = await make_member(points=1000)

    async def attempt(number: int) -> str:
        try:
            await redeem_points(member.id, 10, key=f"redeem-{number:04d}")
        except CRMError as error:
            return error.code
        return "ok"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(200)))

    assert outcomes.count("ok") == 100
    assert outcomes.count("insufficient_points") == 100
    account = await Account.get(member_id=member.id)
    assert account.balance == 0
    assert await PointsEntry.filter(kind=EntryKind.REDEEM).count() == 100
    assert await check_invariants() == []


async def test_50_identical_requests_with_one_key_write_one_entry() -> None:
    member = await make_member(points=1000)

    async def attempt() -> str:
        try:
            entry = await redeem_points(member.id, 30, key="same-key-0001")
        except CRMError as error:
            return error.code
        return f"entry:{entry.id}"

    outcomes = await asyncio.gather(*(attempt() for _ in range(50)))

    assert sorted(set(outcomes)) == sorted(
        {o for o in outcomes if o.startswith("entry:")} | {"duplicate_request"}
    )
    assert sum(o.startswith("entry:") for o in outcomes) == 1
    assert outcomes.count("duplicate_request") == 49
    assert await PointsEntry.filter(idempotency_key="same-key-0001").count() == 1
    assert (await Account.get(member_id=member.id)).balance == 970
    assert await check_invariants() == []


async def test_expiry_racing_redemptions_keeps_every_invariant() -> None:
    await make_program(points_validity_days=10)
    member = await make_member()
    for number in range(20):
        await earn_points(member.id, 50, kind=EntryKind.CHECKIN, key=f"earn-{number}")
    clock.advance(timedelta(days=11))
    for number in range(5):
        await earn_points(member.id, 20, kind=EntryKind.CHECKIN, key=f"late-{number}")

    async def redeem(number: int) -> None:
        with contextlib.suppress(CRMError):
            await redeem_points(member.id, 15, key=f"race-{number}")

    await asyncio.gather(expire_points(), *(redeem(n) for n in range(40)), expire_points())

    assert await check_invariants() == []
    assert await expire_points() == 0
    account = await Account.get(member_id=member.id)
    total = sum(e.delta for e in await PointsEntry.filter(account_id=account.id))
    assert account.balance == total
    assert 0 <= account.balance <= 100


async def test_redelivered_award_and_reversal_jobs_racing_write_one_entry_each() -> None:
    from crm_core.sales.models import SalesOrder, SalesRefund
    from loyalty.points.service.purchases import award_purchase_points, reverse_purchase_points
    from tests.loyalty.factories import make_any_store

    await make_program(points_per_yuan=1)
    store, member = await make_any_store(), await make_member()
    now = clock.utc_now()
    order = await SalesOrder.create(
        store_id=store.id,
        order_no="RACE1",
        member_id=member.id,
        total_fen=50000,
        paid_at=now,
        request_hash="x",
        created_at=now,
    )
    await asyncio.gather(*(award_purchase_points(order.id) for _ in range(30)))
    refund = await SalesRefund.create(
        order_id=order.id,
        refund_no="RACE1-R",
        amount_fen=20000,
        refunded_at=now,
        request_hash="x",
        created_at=now,
    )
    await asyncio.gather(*(reverse_purchase_points(refund.id) for _ in range(30)))

    entries = await PointsEntry.filter(account__member_id=member.id).order_by("id")
    assert [(e.kind, e.delta) for e in entries] == [
        (EntryKind.PURCHASE, 500),
        (EntryKind.REFUND, -200),
    ]
    assert (await Account.get(member_id=member.id)).balance == 300
    assert await check_invariants() == []
