"""Claims under real concurrency: fifty reps racing for ten pool customers claim each at most
once; a rep's daily quota and batch size hold; the previous owner waits out the cool-down."""

import asyncio
from datetime import timedelta

import httpx

from crm_core import clock
from crm_core.customers.models import Customer, TransferRecord
from crm_core.customers.pool.models import PoolSetting
from crm_core.org.models import Staff
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.customers.pool.helpers import snapshot
from tests.factories import bearer, make_staff


async def pool_of(n: int) -> list[Customer]:
    return [await make_customer(None, f"公海{i}", f"1380013{i:04d}") for i in range(n)]


async def limits(batch: int = 10, quota: int = 20, cooldown: int = 7) -> None:
    await PoolSetting.create(
        id=1,
        claim_batch_max=batch,
        claim_daily_quota=quota,
        cooldown_days=cooldown,
        updated_at=clock.utc_now(),
    )


async def test_fifty_concurrent_claimers_never_claim_a_customer_twice(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    customers = await pool_of(10)
    reps: list[Staff] = [
        await make_staff("sales_rep", department=team.east, username=f"rep{i}") for i in range(50)
    ]
    headers = [await bearer(rep) for rep in reps]
    # Rep i wants two customers; every customer is wanted by ten reps.
    wanted = [sorted({customers[i % 10].id, customers[(i + 3) % 10].id}) for i in range(50)]
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/pool/claims", json={"customer_ids": w}, headers=h)
            for w, h in zip(wanted, headers, strict=True)
        )
    )
    won = {}
    for rep, w, response in zip(reps, wanted, responses, strict=True):
        if response.status_code == 200:
            assert response.json() == {"changed": 2, "customer_ids": w}
            won |= dict.fromkeys(w, rep.id)
        else:
            assert (response.status_code, response.json()["error"]) == (
                409,
                "pool_customer_taken",
            ), response.text
    assert won, "somebody must win"
    owners = {c.id: c.owner_id for c in await Customer.all()}
    assert {cid: owner for cid, owner in owners.items() if owner is not None} == won
    history = await TransferRecord.all().order_by("customer_id")
    assert [(t.customer_id, t.to_staff_id, t.by_staff_id) for t in history] == [
        (cid, won[cid], won[cid]) for cid in sorted(won)
    ]


async def test_the_daily_quota_holds_under_concurrent_claims(client: httpx.AsyncClient) -> None:
    team = await make_team()
    await limits(quota=3)
    customers = await pool_of(10)
    headers = await bearer(team.rep)
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/pool/claims", json={"customer_ids": [c.id]}, headers=headers)
            for c in customers
        )
    )
    codes = sorted(r.json().get("error", "ok") for r in responses)
    assert codes == ["ok"] * 3 + ["pool_quota_exceeded"] * 7
    assert await Customer.filter(owner_id=team.rep.id).count() == 3
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["detail"] == "今日领取已达上限：每天最多 3 个，今天还可领取 0 个"
    assert [f["loc"] for f in refused.json()["fields"]] == [["body", "customer_ids"]]
    settings = await client.get("/api/v1/pool/settings", headers=headers)
    assert settings.json() == {
        "claim_batch_max": 10,
        "claim_daily_quota": 3,
        "cooldown_days": 7,
        "claimed_today": 3,
    }


async def test_a_claim_beyond_the_batch_or_quota_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    await limits(batch=10, quota=12)
    customers = await pool_of(12)
    headers = await bearer(team.rep)
    ids = [c.id for c in customers]
    before = await snapshot()
    too_many = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": ids[:11]}, headers=headers
    )
    assert too_many.status_code == 409
    assert too_many.json()["error"] == "pool_batch_too_large"
    assert too_many.json()["detail"] == "一次最多领取 10 个客户"
    assert await snapshot() == before
    first = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": ids[:10]}, headers=headers
    )
    assert first.status_code == 200
    middle = await snapshot()
    over = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [*ids[10:12], ids[0]]}, headers=headers
    )
    assert (over.status_code, over.json()["error"]) == (409, "pool_quota_exceeded")
    assert over.json()["detail"] == "今日领取已达上限：每天最多 12 个，今天还可领取 2 个"
    # One taken customer in a batch: the whole batch is refused.
    mixed = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [ids[10], ids[0]]}, headers=headers
    )
    assert (mixed.status_code, mixed.json()["error"]) == (409, "pool_customer_taken")
    missing = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [ids[10], 999999]}, headers=headers
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "pool_customer_not_found")
    assert await snapshot() == middle
    assert await Customer.filter(owner_id=None).count() == 2


async def test_the_previous_owner_waits_out_the_cool_down(client: httpx.AsyncClient) -> None:
    team = await make_team()
    await limits(cooldown=7)
    now = clock.utc_now()
    recent = await make_customer(
        None, "刚掉", "13800138001", previous_owner_id=team.rep.id, pooled_at=now - timedelta(2)
    )
    old = await make_customer(
        None, "早掉", "13800138002", previous_owner_id=team.rep.id, pooled_at=now - timedelta(8)
    )
    before = await snapshot()
    refused = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [recent.id]}, headers=await bearer(team.rep)
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "pool_cooldown")
    until = clock.to_local(now + timedelta(5)).strftime("%Y-%m-%d %H:%M")
    assert refused.json()["detail"] == f"刚掉 从您名下掉入公海不满 7 天，{until} 之后才能再次领取"
    assert await snapshot() == before
    taken = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [old.id]}, headers=await bearer(team.rep)
    )
    assert taken.status_code == 200
    # Anyone else may take the recent one at once.
    mate = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [recent.id]}, headers=await bearer(team.mate)
    )
    assert mate.status_code == 200
    rows = await Customer.all().order_by("id")
    assert [(c.name, c.owner_id, c.department_id, c.pooled_at) for c in rows] == [
        ("刚掉", team.mate.id, team.east.id, None),
        ("早掉", team.rep.id, team.east.id, None),
    ]
