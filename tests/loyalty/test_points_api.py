"""Points over the JSON API: redeem at the till, refused requests change nothing, adjustments
are audited, out-of-scope members are 404."""

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.jobs import Job
from loyalty.events import POINTS_CHANGED
from loyalty.points.models import Account, PointsEntry, PointsLot
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_member


async def ledger_state(member_id: int) -> tuple[int, int, list[int]]:
    account = await Account.get(member_id=member_id)
    entries = await PointsEntry.filter(account_id=account.id).count()
    lots = (
        await PointsLot.filter(account_id=account.id)
        .order_by("id")
        .values_list("remaining", flat=True)
    )
    return account.balance, entries, list(lots)


async def test_redeem_then_replay_then_overdraw(
    client: httpx.AsyncClient, published_jobs: list[Job]
) -> None:
    member = await make_member(points=100)
    headers = await bearer(await make_staff("admin"))
    url = f"/api/v1/loyalty/members/{member.id}/redemptions"
    published_jobs.clear()

    ok = await client.post(
        url, json={"points": 30, "idempotency_key": "till-0001"}, headers=headers
    )
    assert ok.status_code == 201
    assert (ok.json()["delta"], ok.json()["balance_after"], ok.json()["kind"]) == (
        -30,
        70,
        "redeem",
    )
    assert [j.name for j in published_jobs] == [POINTS_CHANGED]
    before = await ledger_state(member.id)
    published_jobs.clear()

    replay = await client.post(
        url, json={"points": 30, "idempotency_key": "till-0001"}, headers=headers
    )
    other = await client.post(
        url, json={"points": 31, "idempotency_key": "till-0001"}, headers=headers
    )
    overdraw = await client.post(
        url, json={"points": 71, "idempotency_key": "till-0002"}, headers=headers
    )

    assert (replay.status_code, replay.json()["error"]) == (409, "duplicate_request")
    assert (other.status_code, other.json()["error"]) == (409, "idempotency_key_conflict")
    assert (overdraw.status_code, overdraw.json()) == (
        409,
        {"error": "insufficient_points", "detail": "积分不足：当前可用 70，需要 71"},
    )
    assert await ledger_state(member.id) == before == (70, 2, [70])
    assert published_jobs == []
    assert await AuditLog.filter(action="points.redeem").values_list(
        "target_id", "before", "after"
    ) == [(str(member.id), {"balance": 100}, {"balance": 70, "entry_id": ok.json()["id"]})]


@pytest.mark.parametrize(
    "body",
    [
        {"points": 0, "idempotency_key": "till-0003"},
        {"points": 5, "idempotency_key": "short"},
        {"points": 5, "idempotency_key": "till-0004", "extra": 1},
    ],
    ids=["zero-points", "short-key", "extra-field"],
)
async def test_malformed_redemptions_are_422(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    member = await make_member(points=10)
    response = await client.post(
        f"/api/v1/loyalty/members/{member.id}/redemptions",
        json=body,
        headers=await bearer(await make_staff("admin")),
    )
    assert (response.status_code, response.json()["error"]) == (422, "validation_error")
    assert (await Account.get(member_id=member.id)).balance == 10


async def test_adjustment_writes_ledger_and_audit_together(client: httpx.AsyncClient) -> None:
    member = await make_member(points=50)
    staff = await make_staff("admin")
    url = f"/api/v1/loyalty/members/{member.id}/adjustments"
    headers = await bearer(staff)

    down = await client.post(
        url,
        json={"delta": -20, "reason": "重复积分冲正", "idempotency_key": "adjust-0001"},
        headers=headers,
    )
    refused = await client.post(
        url,
        json={"delta": -31, "reason": "超额冲正", "idempotency_key": "adjust-0002"},
        headers=headers,
    )

    assert down.status_code == 201
    assert (down.json()["delta"], down.json()["reason"], down.json()["actor_name"]) == (
        -20,
        "重复积分冲正",
        staff.username,
    )
    assert refused.json()["error"] == "insufficient_points"
    logs = await AuditLog.filter(action="points.adjust")
    assert [(log.reason, log.before, log.after) for log in logs] == [
        ("重复积分冲正", {"balance": 50}, {"balance": 30, "entry_id": down.json()["id"]})
    ]


async def test_account_and_history_read(client: httpx.AsyncClient) -> None:
    member, empty = await make_member(points=40), await make_member()
    headers = await bearer(await make_staff("admin"))
    account = (
        await client.get(f"/api/v1/loyalty/members/{member.id}/account", headers=headers)
    ).json()
    assert (account["balance"], account["lifetime_earned"], account["lifecycle"]) == (40, 40, "new")
    fresh = await client.get(f"/api/v1/loyalty/members/{empty.id}/account", headers=headers)
    assert fresh.json()["balance"] == 0
    assert not await Account.exists(member_id=empty.id)
    history = (
        await client.get(f"/api/v1/loyalty/members/{member.id}/entries", headers=headers)
    ).json()
    assert [(e["delta"], e["balance_after"]) for e in history["items"]] == [(40, 40)]
    missing = await client.get("/api/v1/loyalty/members/999999/account", headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "member_not_found")


async def test_the_ledger_is_append_only_in_the_database() -> None:
    from asyncpg.exceptions import RaiseError
    from tortoise import connections

    member = await make_member(points=5)
    connection = connections.get("default")
    for statement in (
        "UPDATE loyalty_points_entry SET delta = 500",
        "DELETE FROM loyalty_points_entry",
    ):
        with pytest.raises(RaiseError, match="append-only"):
            await connection.execute_query(statement)
    assert [e.delta for e in await PointsEntry.filter(account__member_id=member.id)] == [5]


async def test_points_for_an_unknown_member_are_404_and_write_nothing() -> None:
    from loyalty.errors import LoyaltyMemberNotFoundError
    from loyalty.points.service.accounts import redeem_points

    with pytest.raises(LoyaltyMemberNotFoundError) as caught:
        await redeem_points(999_999, 5, key="ghost-member-1")
    assert (caught.value.status_code, caught.value.code) == (404, "member_not_found")
    assert await Account.all().count() == 0
