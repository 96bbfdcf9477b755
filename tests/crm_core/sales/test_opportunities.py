"""Opportunities over the API: entry, stage moves with history, win and lose, scope."""

import asyncio
import itertools
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.sales.opportunities.models import LostReason, Opportunity, StageVisit
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.sales.factories import make_opportunity, stage
from tests.factories import bearer

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
API = "/api/v1/sales/opportunities"


async def history_rows(opportunity_id: int) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in await StageVisit.filter(opportunity_id=opportunity_id)
        .order_by("id")
        .values_list("stage__name", "entered_at", "left_at")
    ]


async def test_a_rep_enters_an_opportunity_in_the_first_stage(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    body = {
        "customer_id": customer.id,
        "name": "年度采购",
        "amount_fen": 5_000_000,
        "expected_close_date": "2027-01-31",
    }
    with clock.freeze(T0):
        response = await client.post(API, json=body, headers=await bearer(team.rep))
    assert response.status_code == 201, response.text
    shown = response.json()
    assert (shown["stage_name"], shown["probability"], shown["owner_id"], shown["won_at"]) == (
        "初次沟通",
        30,
        team.rep.id,
        None,
    )
    row = await Opportunity.get(id=shown["id"])
    assert (
        row.customer_id,
        row.name,
        row.amount_fen,
        row.expected_close_date,
        row.status,
        row.owner_id,
        row.department_id,
        row.stage_entered_at,
    ) == (
        customer.id,
        "年度采购",
        5_000_000,
        date(2027, 1, 31),
        "open",
        team.rep.id,
        team.east.id,
        T0,
    )
    assert await history_rows(row.id) == [("初次沟通", T0, None)]
    entry = await AuditLog.get(action="opportunity.created")
    assert entry.after == {
        "customer_id": customer.id,
        "name": "年度采购",
        "amount_fen": 5_000_000,
        "expected_close_date": "2027-01-31",
        "stage_id": row.stage_id,
        "status": "open",
        "owner_id": team.rep.id,
    }


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"amount_fen": -1}, 422, "validation_error", "amount_fen"),
        ({"amount_fen": 10**13 + 1}, 422, "validation_error", "amount_fen"),
        ({"amount_fen": 1.5}, 422, "validation_error", "amount_fen"),
        ({"expected_close_date": "2027-02-30"}, 422, "validation_error", "expected_close_date"),
        ({"name": ""}, 422, "validation_error", "name"),
        ({"stage_id": "won"}, 422, "stage_closing", "stage_id"),
        ({"stage_id": 999999}, 404, "stage_not_found", None),
        ({"customer_id": "far"}, 404, "customer_not_found", None),
        ({"owner_id": "far-staff"}, 404, "staff_not_found", None),
    ],
    ids=[
        "negative",
        "huge",
        "fraction",
        "bad-date",
        "name",
        "won-stage",
        "no-stage",
        "far-customer",
        "far-owner",
    ],
)
async def test_bad_opportunities_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    change: dict[str, object],
    status: int,
    code: str,
    field: str | None,
) -> None:
    team = await make_team()
    mine = await make_customer(team.rep, "张三", "13800138000")
    theirs = await make_customer(team.far, "王五", "13800138001")
    won = await stage("赢单")
    body: dict[str, object] = {
        "customer_id": mine.id,
        "name": "年度采购",
        "amount_fen": 100,
        "expected_close_date": "2027-01-31",
    }
    replace: dict[object, object] = {"won": won.id, "far": theirs.id, "far-staff": team.far.id}
    body.update({k: replace.get(v, v) for k, v in change.items()})
    response = await client.post(API, json=body, headers=await bearer(team.manager))
    assert response.status_code == status, response.text
    assert response.json()["error"] == code
    if field:
        assert [f["loc"][-1] for f in response.json()["fields"]] == [field]
    assert await Opportunity.all().count() == 0
    assert await StageVisit.all().count() == 0
    assert await AuditLog.filter(action="opportunity.created").count() == 0


async def test_moves_close_one_visit_and_open_the_next(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    with clock.freeze(T0):
        deal = await make_opportunity(customer, team.rep)
    headers = await bearer(team.rep)
    second, third = await stage("样品测试"), await stage("商务洽谈")
    url = f"{API}/{deal.id}/stage"
    with clock.freeze(T0 + timedelta(hours=5)):
        moved = await client.post(url, json={"stage_id": second.id}, headers=headers)
    with clock.freeze(T0 + timedelta(days=2)):
        again = await client.post(url, json={"stage_id": third.id}, headers=headers)
        same = await client.post(url, json={"stage_id": third.id}, headers=headers)
    assert [r.status_code for r in (moved, again, same)] == [200, 200, 200]
    assert (same.json()["stage_name"], same.json()["probability"]) == ("商务洽谈", 15)
    h5, d2 = T0 + timedelta(hours=5), T0 + timedelta(days=2)
    assert await history_rows(deal.id) == [
        ("初次沟通", T0, h5),
        ("样品测试", h5, d2),
        ("商务洽谈", d2, None),
    ]
    with clock.freeze(T0 + timedelta(days=3)):
        history = (await client.get(f"{API}/{deal.id}/history", headers=headers)).json()
    assert [(t["stage_name"], t["seconds"]) for t in history["totals"]] == [
        ("初次沟通", 5 * 3600),
        ("样品测试", 43 * 3600),
        ("商务洽谈", 86400),
    ]
    assert await AuditLog.filter(action="opportunity.stage_moved").count() == 2


async def test_two_drags_at_once_leave_one_consistent_history(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    deal = await make_opportunity(customer, team.rep)
    names = ["样品测试", "商务洽谈", "签约", "样品测试", "商务洽谈", "签约"]
    targets = [(await stage(n)).id for n in names]
    headers = [await bearer(team.rep), await bearer(team.manager)]
    answers = await asyncio.gather(
        *(
            client.post(f"{API}/{deal.id}/stage", json={"stage_id": s}, headers=headers[i % 2])
            for i, s in enumerate(targets)
        )
    )
    assert [a.status_code for a in answers] == [200] * 6
    visits = await StageVisit.filter(opportunity_id=deal.id).order_by("entered_at", "id")
    # Exactly one open visit, the current stage; every other one closed when the next began.
    assert [v.left_at is None for v in visits] == [False] * (len(visits) - 1) + [True]
    assert all(a.left_at == b.entered_at for a, b in itertools.pairwise(visits))
    assert len(visits) == 1 + await AuditLog.filter(action="opportunity.stage_moved").count()
    await deal.refresh_from_db()
    assert visits[-1].stage_id == deal.stage_id


async def test_a_won_opportunity_is_closed(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    deal = await make_opportunity(customer, team.rep)
    headers = await bearer(team.rep)
    with clock.freeze(T0):
        won = await client.post(f"{API}/{deal.id}/win", headers=headers)
    assert won.status_code == 200, won.text
    assert (won.json()["status"], won.json()["stage_name"], won.json()["won_at"]) == (
        "won",
        "赢单",
        "2026-12-01T01:00:00Z",
    )
    await deal.refresh_from_db()
    before = (deal.name, deal.stage_id, deal.status, deal.won_at, await StageVisit.all().count())
    reason = await LostReason.first()
    assert reason is not None
    for method, tail, body in (
        ("PATCH", "", {"amount_fen": 1}),
        ("POST", "/stage", {"stage_id": (await stage("签约")).id}),
        ("POST", "/win", None),
        ("POST", "/lose", {"lost_reason_id": reason.id}),
    ):
        response = await client.request(
            method, f"{API}/{deal.id}{tail}", json=body, headers=headers
        )
        assert (response.status_code, response.json()["error"]) == (409, "opportunity_closed")
        assert response.json()["detail"] == "商机已赢单，不能再修改"
    await deal.refresh_from_db()
    assert (
        deal.name,
        deal.stage_id,
        deal.status,
        deal.won_at,
        await StageVisit.all().count(),
    ) == before
    assert deal.won_at == T0


async def test_a_win_restarts_the_pools_no_deal_clock(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    lost = await make_customer(team.rep, "李四", "13800138001")
    deal = await make_opportunity(customer, team.rep)
    other = await make_opportunity(lost, team.rep)
    reason = await LostReason.first()
    assert reason is not None
    headers = await bearer(team.rep)
    with clock.freeze(T0):
        assert (await client.post(f"{API}/{deal.id}/win", headers=headers)).status_code == 200
        lose = await client.post(
            f"{API}/{other.id}/lose", json={"lost_reason_id": reason.id}, headers=headers
        )
        assert lose.status_code == 200, lose.text
    await customer.refresh_from_db()
    await lost.refresh_from_db()
    assert (customer.last_deal_at, lost.last_deal_at) == (T0, None)


async def test_losing_needs_an_active_reason(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    deal = await make_opportunity(customer, team.rep)
    headers = await bearer(team.rep)
    url = f"{API}/{deal.id}/lose"
    missing = await client.post(url, json={"note": "太贵"}, headers=headers)
    assert missing.status_code == 422
    assert [f["loc"][-1] for f in missing.json()["fields"]] == ["lost_reason_id"]
    reason = await LostReason.get(name="价格过高")
    await LostReason.filter(name="联系不上").update(is_active=False)
    retired = await LostReason.get(name="联系不上")
    stale = await client.post(url, json={"lost_reason_id": retired.id}, headers=headers)
    assert (stale.status_code, stale.json()["error"]) == (404, "lost_reason_not_found")
    await deal.refresh_from_db()
    assert (deal.status, deal.lost_reason_id) == ("open", None)
    lost = await client.post(
        url, json={"lost_reason_id": reason.id, "note": "太贵"}, headers=headers
    )
    assert lost.status_code == 200, lost.text
    await deal.refresh_from_db()
    assert (deal.status, deal.lost_reason_id, deal.lost_note, deal.won_at) == (
        "lost",
        reason.id,
        "太贵",
        None,
    )
    assert lost.json()["lost_reason"] == "价格过高"
    entry = await AuditLog.get(action="opportunity.lost")
    assert (entry.reason, entry.after) == (
        "太贵",
        {"stage_id": deal.stage_id, "status": "lost", "lost_reason": "价格过高"},
    )


async def test_moving_into_a_closing_stage_is_refused(client: httpx.AsyncClient) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    deal = await make_opportunity(customer, team.rep)
    lost = await stage("输单")
    response = await client.post(
        f"{API}/{deal.id}/stage", json={"stage_id": lost.id}, headers=await bearer(team.rep)
    )
    assert (response.status_code, response.json()["error"]) == (422, "stage_closing")
    await deal.refresh_from_db()
    assert (deal.status, await StageVisit.all().count()) == ("open", 1)


@pytest.mark.parametrize(
    ("who", "status"), [("rep", 200), ("manager", 200), ("mate", 404), ("far", 404)]
)
async def test_scope_by_owner(client: httpx.AsyncClient, who: str, status: int) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    deal = await make_opportunity(customer, team.rep)
    headers = await bearer(getattr(team, who))
    one = await client.get(f"{API}/{deal.id}", headers=headers)
    assert one.status_code == status
    second = await stage("样品测试")
    move = await client.post(
        f"{API}/{deal.id}/stage", json={"stage_id": second.id}, headers=headers
    )
    assert move.status_code == status
    listed = (await client.get(API, headers=headers)).json()
    assert listed["total"] == (1 if status == 200 else 0)
    if status == 404:
        assert move.json()["error"] == "opportunity_not_found"
        assert await StageVisit.all().count() == 1


async def test_funnel_and_forecast_in_the_callers_scope(client: httpx.AsyncClient) -> None:
    team = await make_team()
    mine = await make_customer(team.rep, "张三", "13800138000")
    mates = await make_customer(team.mate, "李四", "13800138001")
    fars = await make_customer(team.far, "王五", "13800138002")
    await make_opportunity(mine, team.rep, amount_fen=100_000, close=date(2027, 1, 5))
    await make_opportunity(
        mine, team.rep, amount_fen=33_333, stage_name="签约", close=date(2027, 1, 31)
    )
    await make_opportunity(
        mates, team.mate, amount_fen=200_000, stage_name="样品测试", close=date(2027, 2, 1)
    )
    await make_opportunity(mates, team.mate, amount_fen=999, stage_name="赢单")
    await make_opportunity(fars, team.far, amount_fen=7_000_000)
    headers = await bearer(team.manager)
    funnel = (await client.get(f"{API}/funnel", headers=headers)).json()
    assert [(r["stage_name"], r["count"], r["amount_fen"]) for r in funnel] == [
        ("初次沟通", 1, 100_000),
        ("样品测试", 1, 200_000),
        ("商务洽谈", 0, 0),
        ("签约", 1, 33_333),
        ("赢单", 1, 999),
        ("输单", 0, 0),
    ]
    forecast = (await client.get(f"{API}/forecast", headers=headers)).json()
    # 100000×30 % + 33333×40 % (13333.2 → 13333) in January; 200000×15 % in February.
    assert forecast["by_month"] == [
        {"month": "2027-01", "count": 2, "amount_fen": 133_333, "weighted_fen": 43_333},
        {"month": "2027-02", "count": 1, "amount_fen": 200_000, "weighted_fen": 30_000},
    ]
    assert [(o["owner_id"], o["weighted_fen"]) for o in forecast["by_owner"]] == [
        (team.rep.id, 43_333),
        (team.mate.id, 30_000),
    ]
    assert forecast["weighted_fen"] == 73_333
    ranged = await client.get(f"{API}/forecast", params={"since": "2027-02-01"}, headers=headers)
    assert ranged.json()["weighted_fen"] == 30_000
    rep = (await client.get(f"{API}/forecast", headers=await bearer(team.rep))).json()
    assert rep["weighted_fen"] == 43_333


async def test_won_at_is_exposed_per_customer(client: httpx.AsyncClient) -> None:
    from crm_core.sales.opportunities.service.opportunities import won_at_by_customer

    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    deal = await make_opportunity(customer, team.rep)
    with clock.freeze(T0):
        await client.post(f"{API}/{deal.id}/win", headers=await bearer(team.rep))
    assert await won_at_by_customer([customer.id, 999]) == {customer.id: T0}
