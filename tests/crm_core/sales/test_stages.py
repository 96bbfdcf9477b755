"""The stage configuration and lost reasons: seeded once, edited by admins only."""

import asyncio

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.sales.opportunities.models import LostReason, Stage
from crm_core.sales.opportunities.service.stages import ensure_defaults
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.sales.factories import make_opportunity
from tests.factories import bearer

API = "/api/v1/sales/opportunity-stages"


async def stage_rows() -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in await Stage.all()
        .order_by("id")
        .values_list("name", "position", "probability", "is_won", "is_lost")
    ]


async def test_the_seeds_stages_appear_once_even_when_first_read_concurrently(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    headers = await bearer(team.rep)
    answers = await asyncio.gather(*(client.get(API, headers=headers) for _ in range(4)))
    assert {a.status_code for a in answers} == {200}
    assert [(s["name"], s["probability"]) for s in answers[0].json()] == [
        ("初次沟通", 30),
        ("样品测试", 15),
        ("商务洽谈", 15),
        ("签约", 40),
        ("赢单", 100),
        ("输单", 0),
    ]
    assert await Stage.all().count() == 6
    assert await LostReason.all().count() == 5


async def test_an_admin_adds_and_edits_a_stage(client: httpx.AsyncClient) -> None:
    team = await make_team()
    await ensure_defaults()
    headers = await bearer(team.admin)
    body = {"name": "方案演示", "position": 3, "probability": 20}
    created = await client.post(API, json=body, headers=headers)
    assert created.status_code == 201, created.text
    stage_id = created.json()["id"]
    edited = await client.patch(f"{API}/{stage_id}", json={"probability": 25}, headers=headers)
    assert edited.status_code == 200
    assert (await Stage.get(id=stage_id)).probability == 25
    entry = await AuditLog.get(action="opportunity_stage.updated")
    assert (entry.before, entry.after) == ({"probability": 20}, {"probability": 25})


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": "X", "probability": 101}, 422, "validation_error", "probability"),
        ({"name": "X", "probability": -1}, 422, "validation_error", "probability"),
        (
            {"name": "X", "probability": 50, "is_won": True, "is_lost": True},
            422,
            "validation_error",
            "is_lost",
        ),
        ({"name": "签约", "probability": 50}, 409, "stage_name_taken", "name"),
        ({"name": "", "probability": 50}, 422, "validation_error", "name"),
    ],
    ids=["over-100", "negative", "won-and-lost", "taken", "no-name"],
)
async def test_bad_stages_are_refused(
    client: httpx.AsyncClient, body: dict[str, object], status: int, code: str, field: str
) -> None:
    team = await make_team()
    await ensure_defaults()
    before = await stage_rows()
    response = await client.post(API, json=body, headers=await bearer(team.admin))
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert [f["loc"][-1] for f in response.json()["fields"]] == [field]
    assert await stage_rows() == before


async def test_a_stage_in_use_cannot_be_deleted_an_unused_one_can(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    await make_opportunity(customer, team.rep, stage_name="样品测试")
    headers = await bearer(team.admin)
    used = await Stage.get(name="样品测试")
    refused = await client.delete(f"{API}/{used.id}", headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (409, "stage_in_use")
    assert refused.json()["detail"] == "还有 1 个商机使用阶段“样品测试”，不能删除"
    assert await Stage.exists(id=used.id)
    unused = await Stage.get(name="商务洽谈")
    assert (await client.delete(f"{API}/{unused.id}", headers=headers)).status_code == 204
    assert not await Stage.exists(id=unused.id)
    assert await AuditLog.filter(action="opportunity_stage.deleted").count() == 1


async def test_reps_and_managers_read_stages_but_cannot_change_them(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    await ensure_defaults()
    before = await stage_rows()
    for who in (team.rep, team.manager):
        headers = await bearer(who)
        assert (await client.get(API, headers=headers)).status_code == 200
        response = await client.post(API, json={"name": "X", "probability": 5}, headers=headers)
        assert response.status_code == 403
    assert await stage_rows() == before


async def test_lost_reasons_are_added_and_retired(client: httpx.AsyncClient) -> None:
    team = await make_team()
    await ensure_defaults()
    headers = await bearer(team.admin)
    url = "/api/v1/sales/lost-reasons"
    created = await client.post(url, json={"name": "预算不足"}, headers=headers)
    assert created.status_code == 201, created.text
    taken = await client.post(url, json={"name": "预算不足"}, headers=headers)
    assert (taken.status_code, taken.json()["error"]) == (409, "lost_reason_name_taken")
    reason_id = created.json()["id"]
    retired = await client.patch(f"{url}/{reason_id}", json={"is_active": False}, headers=headers)
    assert retired.status_code == 200
    active = (await client.get(url, headers=await bearer(team.rep))).json()
    assert "预算不足" not in [r["name"] for r in active]
    everything = (await client.get(url, params={"active": "false"}, headers=headers)).json()
    assert [(r["name"], r["is_active"]) for r in everything][-1] == ("预算不足", False)
    assert await LostReason.all().count() == 6
