"""The pool's API: the list (phones always masked), trash and restore, a manager's hand-out,
rules and limits with their bad input, the scoped "run now", and no edits in the pool."""

from datetime import timedelta

import httpx
import pytest

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.customers.models import Customer, TransferRecord
from crm_core.customers.pool.models import PoolRule
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.customers.pool.helpers import set_rule, snapshot
from tests.factories import bearer


async def test_the_pool_list_masks_every_phone_even_for_the_admin(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    now = clock.utc_now()
    await make_customer(team.rep, "有主", "13800138000")
    await make_customer(
        None,
        "掉入的",
        "13800138001",
        level="a",
        previous_owner_id=team.rep.id,
        pooled_at=now,
        pool_reason="no_follow_up",
    )
    await make_customer(None, "废弃的", "13800138002", trashed_at=now)
    for who in (team.admin, team.rep):
        listing = await client.get("/api/v1/pool", headers=await bearer(who))
        assert listing.status_code == 200
        body = listing.json()
        assert body["total"] == 1
        [item] = body["items"]
        assert (item["name"], item["phone"], item["previous_owner_name"]) == (
            "掉入的",
            "138****8001",
            "测试员工",
        )
        assert (item["pool_reason"], item["level"]) == ("no_follow_up", "a")
    binned = await client.get("/api/v1/pool?trashed=true", headers=await bearer(team.manager))
    assert [(i["name"], i["phone"]) for i in binned.json()["items"]] == [("废弃的", "138****8002")]
    by_level = await client.get("/api/v1/pool?level=b", headers=await bearer(team.rep))
    assert by_level.json()["total"] == 0
    by_name = await client.get("/api/v1/pool?q=掉入", headers=await bearer(team.rep))
    assert by_name.json()["total"] == 1


async def test_trash_and_restore(client: httpx.AsyncClient) -> None:
    team = await make_team()
    a = await make_customer(None, "甲", "13800138001")
    b = await make_customer(team.rep, "乙", "13800138002")
    manager = await bearer(team.manager)
    before = await snapshot()
    refused = await client.post(
        "/api/v1/pool/trash", json={"customer_ids": [a.id]}, headers=await bearer(team.rep)
    )
    assert refused.status_code == 403
    owned = await client.post(
        "/api/v1/pool/trash", json={"customer_ids": [a.id, b.id]}, headers=manager
    )
    assert (owned.status_code, owned.json()["error"]) == (409, "pool_customer_taken")
    assert await snapshot() == before
    done = await client.post(
        "/api/v1/pool/trash", json={"customer_ids": [a.id], "reason": "空号"}, headers=manager
    )
    assert done.json() == {"changed": 1, "customer_ids": [a.id]}
    await a.refresh_from_db()
    assert (a.trashed_by_id, a.owner_id) == (team.manager.id, None)
    assert a.trashed_at is not None
    claim = await client.post(
        "/api/v1/pool/claims", json={"customer_ids": [a.id]}, headers=await bearer(team.rep)
    )
    assert (claim.status_code, claim.json()["error"]) == (404, "pool_customer_not_found")
    again = await client.post("/api/v1/pool/trash", json={"customer_ids": [a.id]}, headers=manager)
    assert again.status_code == 404
    back = await client.post(
        "/api/v1/pool/restorations", json={"customer_ids": [a.id]}, headers=manager
    )
    assert back.json() == {"changed": 1, "customer_ids": [a.id]}
    await a.refresh_from_db()
    assert (a.trashed_at, a.trashed_by_id, a.owner_id) == (None, None, None)
    entries = await AuditLog.filter(action__startswith="customer.pool_").order_by("id")
    assert [(e.action, e.after, e.reason) for e in entries] == [
        ("customer.pool_trashed", {"customer_ids": [a.id]}, "空号"),
        ("customer.pool_restored", {"customer_ids": [a.id]}, ""),
    ]


async def test_a_manager_hands_out_pool_customers_in_scope(client: httpx.AsyncClient) -> None:
    team = await make_team()
    a = await make_customer(None, "甲", "13800138001")
    b = await make_customer(None, "乙", "13800138002")
    manager = await bearer(team.manager)
    before = await snapshot()
    far = await client.post(
        "/api/v1/pool/assignments",
        json={"customer_ids": [a.id], "to_staff_id": team.far.id},
        headers=manager,
    )
    assert (far.status_code, far.json()["error"]) == (404, "staff_not_found")
    rep = await client.post(
        "/api/v1/pool/assignments",
        json={"customer_ids": [a.id], "to_staff_id": team.mate.id},
        headers=await bearer(team.rep),
    )
    assert rep.status_code == 403
    assert await snapshot() == before
    done = await client.post(
        "/api/v1/pool/assignments",
        json={"customer_ids": [b.id, a.id], "to_staff_id": team.mate.id},
        headers=manager,
    )
    assert done.json() == {"changed": 2, "customer_ids": [a.id, b.id]}
    rows = await Customer.all().order_by("id")
    assert [(c.owner_id, c.department_id) for c in rows] == [(team.mate.id, team.east.id)] * 2
    history = await TransferRecord.all().order_by("customer_id")
    assert [(t.from_staff_id, t.to_staff_id, t.by_staff_id, t.reason) for t in history] == [
        (None, team.mate.id, team.manager.id, "公海分配")
    ] * 2
    # The new owner sees the full number at once.
    detail = await client.get(f"/api/v1/customers/{a.id}", headers=await bearer(team.mate))
    assert detail.json()["phone"] == "13800138001"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/api/v1/customers/{id}", {"name": "改名"}),
        ("POST", "/api/v1/customers/{id}/contacts", {"name": "联系人"}),
        ("POST", "/api/v1/customers/{id}/follow-ups", {"kind": "call", "content": "电话"}),
        ("POST", "/api/v1/customers/transfers", {"customer_ids": ["{id}"], "to_staff_id": 0}),
    ],
    ids=["update", "contact", "follow-up", "transfer"],
)
async def test_no_edits_in_the_pool(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, object]
) -> None:
    team = await make_team()
    pooled = await make_customer(None, "公海客户", "13800138001")
    if "to_staff_id" in body:
        body = {"customer_ids": [pooled.id], "to_staff_id": team.rep.id}
    before = await snapshot()
    response = await client.request(
        method, path.format(id=pooled.id), json=body, headers=await bearer(team.admin)
    )
    assert (response.status_code, response.json()["error"]) == (409, "customer_in_pool")
    assert response.json()["detail"] == "客户在公海中，领取或分配后才能编辑"
    assert await snapshot() == before


async def test_rules_and_limits_take_good_input_only(client: httpx.AsyncClient) -> None:
    team = await make_team()
    admin = await bearer(team.admin)
    listed = await client.get("/api/v1/pool/rules", headers=await bearer(team.manager))
    assert [(r["level"], r["enabled"]) for r in listed.json()] == [
        ("a", False),
        ("b", False),
        ("c", False),
        ("d", False),
    ]
    before = await snapshot()
    empty = await client.put("/api/v1/pool/rules/a", json={"enabled": True}, headers=admin)
    assert empty.status_code == 422
    assert [f["loc"] for f in empty.json()["fields"]] == [["body", "no_follow_up_days"]]
    negative = await client.put(
        "/api/v1/pool/rules/a", json={"enabled": True, "no_deal_days": 0}, headers=admin
    )
    assert negative.status_code == 422
    bad_level = await client.put("/api/v1/pool/rules/e", json={"enabled": False}, headers=admin)
    assert bad_level.status_code == 422
    manager = await client.put(
        "/api/v1/pool/rules/a",
        json={"enabled": True, "no_follow_up_days": 30},
        headers=await bearer(team.manager),
    )
    assert manager.status_code == 403
    limits = await client.put(
        "/api/v1/pool/settings",
        json={"claim_batch_max": 0, "claim_daily_quota": 5, "cooldown_days": 3},
        headers=admin,
    )
    assert limits.status_code == 422
    assert await snapshot() == before
    ok = await client.put(
        "/api/v1/pool/rules/a",
        json={"enabled": True, "no_follow_up_days": 30, "no_deal_days": 90},
        headers=admin,
    )
    assert ok.status_code == 200
    rule = await PoolRule.get(level="a")
    assert (rule.enabled, rule.no_follow_up_days, rule.no_deal_days, rule.updated_by_id) == (
        True,
        30,
        90,
        team.admin.id,
    )
    saved = await client.put(
        "/api/v1/pool/settings",
        json={"claim_batch_max": 5, "claim_daily_quota": 8, "cooldown_days": 3},
        headers=admin,
    )
    assert saved.json() == {
        "claim_batch_max": 5,
        "claim_daily_quota": 8,
        "cooldown_days": 3,
        "claimed_today": 0,
    }
    entry = await AuditLog.get(action="customer.pool_rule_updated")
    assert (entry.target_id, entry.before, entry.after) == (
        "a",
        {"enabled": False, "no_follow_up_days": None, "no_deal_days": None},
        {"enabled": True, "no_follow_up_days": 30, "no_deal_days": 90},
    )


async def test_run_now_covers_the_managers_scope_only(client: httpx.AsyncClient) -> None:
    team = await make_team()
    clock._frozen = clock.utc_now() - timedelta(days=40)
    mine = await make_customer(team.rep, "华东的", "13800138001", level="a")
    far = await make_customer(team.far, "华南的", "13800138002", level="a")
    clock._frozen = None
    await set_rule("a", 30)
    refused = await client.post("/api/v1/pool/sweeps", headers=await bearer(team.rep))
    assert refused.status_code == 403
    done = await client.post("/api/v1/pool/sweeps", headers=await bearer(team.manager))
    assert done.json() == {"recycled": 1, "reminded": 0}
    await mine.refresh_from_db()
    await far.refresh_from_db()
    assert (mine.owner_id, mine.previous_owner_id, far.owner_id) == (None, team.rep.id, team.far.id)
    history = await TransferRecord.get(customer_id=mine.id)
    assert (history.from_staff_id, history.to_staff_id, history.by_staff_id) == (
        team.rep.id,
        None,
        team.manager.id,
    )
