"""Leads over the API: entry, masking, scope, and conversion into customer + contact + deal."""

import asyncio
from datetime import date

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.customers.models import Contact, Customer
from crm_core.sales.leads.models import Lead, LeadStatus
from crm_core.sales.opportunities.models import Opportunity, StageVisit
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.sales.factories import make_lead, stage
from tests.factories import bearer

NEW = {"name": "李雷", "company": "韩梅梅贸易", "phone": "139 0013 9000", "source": "exhibition"}
DEAL = {"name": "首批样品", "amount_fen": 1_250_000, "expected_close_date": "2027-02-20"}


async def nothing_converted() -> tuple[int, int, int, int]:
    return (
        await Customer.all().count(),
        await Contact.all().count(),
        await Opportunity.all().count(),
        await AuditLog.filter(action="lead.converted").count(),
    )


async def test_a_rep_enters_a_lead_they_then_own(client: httpx.AsyncClient) -> None:
    team = await make_team()
    response = await client.post(
        "/api/v1/sales/leads", json={**NEW, "note": "展会名片"}, headers=await bearer(team.rep)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["phone"], body["phone_masked"], body["status"]) == ("13900139000", False, "new")
    lead = await Lead.get(id=body["id"])
    assert (
        lead.name,
        lead.company,
        lead.phone,
        lead.source,
        lead.status,
        lead.note,
        lead.owner_id,
        lead.department_id,
        lead.created_by_id,
    ) == (
        "李雷",
        "韩梅梅贸易",
        "+8613900139000",
        "exhibition",
        "new",
        "展会名片",
        team.rep.id,
        team.east.id,
        team.rep.id,
    )
    entry = await AuditLog.get(action="lead.created")
    assert entry.after is not None
    assert entry.after["phone"] == "139****9000"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({**NEW, "phone": "12345"}, 422, "phone_invalid", "phone"),
        ({**NEW, "name": " "}, 422, "validation_error", "name"),
        ({**NEW, "source": "tv"}, 422, "validation_error", "source"),
        ({**NEW, "owner_id": 999999}, 404, "staff_not_found", "owner_id"),
        ({**NEW, "status": "converted"}, 422, "validation_error", "status"),
    ],
    ids=["phone", "name", "source", "owner", "extra"],
)
async def test_bad_leads_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, body: dict[str, object], status: int, code: str, field: str
) -> None:
    team = await make_team()
    response = await client.post("/api/v1/sales/leads", json=body, headers=await bearer(team.rep))
    assert response.status_code == status, response.text
    assert response.json()["error"] == code
    assert field in str(response.json().get("fields", field))
    assert await Lead.all().count() == 0
    assert await AuditLog.filter(action="lead.created").count() == 0


async def test_a_manager_enters_a_lead_for_a_rep_but_not_for_a_far_rep(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    headers = await bearer(team.manager)
    ok = await client.post(
        "/api/v1/sales/leads", json={**NEW, "owner_id": team.rep.id}, headers=headers
    )
    assert ok.status_code == 201, ok.text
    far = await client.post(
        "/api/v1/sales/leads", json={**NEW, "owner_id": team.far.id}, headers=headers
    )
    assert (far.status_code, far.json()["error"]) == (404, "staff_not_found")
    assert await Lead.all().values_list("owner_id", flat=True) == [team.rep.id]


@pytest.mark.parametrize(
    ("who", "shown", "status"),
    [
        ("rep", "13900139000", 200),
        ("admin", "13900139000", 200),
        ("manager", "139****9000", 200),
        ("mate", None, 404),
        ("far", None, 404),
    ],
)
async def test_phones_are_masked_for_non_owners_and_scope_hides_others(
    client: httpx.AsyncClient, who: str, shown: str | None, status: int
) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    headers = await bearer(getattr(team, who))
    one = await client.get(f"/api/v1/sales/leads/{lead.id}", headers=headers)
    assert one.status_code == status
    listed = (await client.get("/api/v1/sales/leads", headers=headers)).json()["items"]
    if shown is None:
        assert one.json()["error"] == "lead_not_found"
        assert listed == []
    else:
        assert one.json()["phone"] == shown
        assert [item["phone"] for item in listed] == [shown]


async def test_a_lead_is_edited_but_never_set_converted_by_hand(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    headers = await bearer(team.rep)
    url = f"/api/v1/sales/leads/{lead.id}"
    ok = await client.patch(url, json={"status": "contacted", "company": "新公司"}, headers=headers)
    assert ok.status_code == 200, ok.text
    refused = await client.patch(url, json={"status": "converted"}, headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (409, "lead_status_invalid")
    phone = await client.patch(url, json={"phone": "13700137000"}, headers=headers)
    assert phone.status_code == 422
    await lead.refresh_from_db()
    assert (lead.status, lead.company, lead.phone) == ("contacted", "新公司", "+8613900139000")


async def test_conversion_creates_customer_primary_contact_and_opportunity(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000", company="韩梅梅贸易", source="online")
    second = await stage("样品测试")
    response = await client.post(
        f"/api/v1/sales/leads/{lead.id}/conversion",
        json={
            "kind": "company",
            "contact_title": "采购经理",
            "opportunity": {**DEAL, "stage_id": second.id},
        },
        headers=await bearer(team.manager),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    customer = await Customer.get(id=body["customer_id"])
    assert (customer.kind, customer.name, customer.phone, customer.source, customer.owner_id) == (
        "company",
        "韩梅梅贸易",
        "+8613900139000",
        "online",
        team.rep.id,
    )
    contact = await Contact.get(customer_id=customer.id)
    assert (contact.id, contact.name, contact.phone, contact.title, contact.is_primary) == (
        body["contact_id"],
        "李雷",
        "+8613900139000",
        "采购经理",
        True,
    )
    deal = await Opportunity.get(id=body["opportunity_id"])
    assert (
        deal.customer_id,
        deal.name,
        deal.amount_fen,
        deal.expected_close_date,
        deal.stage_id,
        deal.owner_id,
        deal.lead_id,
        deal.status,
    ) == (
        customer.id,
        "首批样品",
        1_250_000,
        date(2027, 2, 20),
        second.id,
        team.rep.id,
        lead.id,
        "open",
    )
    assert await StageVisit.filter(opportunity_id=deal.id).values_list("stage_id", "left_at") == [
        (second.id, None)
    ]
    await lead.refresh_from_db()
    assert (lead.status, lead.customer_id, lead.opportunity_id) == (
        LeadStatus.CONVERTED,
        customer.id,
        deal.id,
    )
    assert lead.converted_at is not None
    # The manager sees the rep's customer masked, and so the converted lead.
    assert (body["customer_created"], body["lead"]["phone"]) == (True, "139****9000")
    actions = await AuditLog.all().order_by("id").values_list("action", flat=True)
    assert actions == [
        "customer.created",
        "customer.contact_created",
        "opportunity.created",
        "lead.converted",
    ]


async def test_converting_twice_answers_409_and_creates_nothing_more(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    headers = await bearer(team.rep)
    url = f"/api/v1/sales/leads/{lead.id}/conversion"
    assert (await client.post(url, json={}, headers=headers)).status_code == 201
    before = await nothing_converted()
    again = await client.post(url, json={"opportunity": DEAL}, headers=headers)
    assert (again.status_code, again.json()["error"]) == (409, "lead_converted")
    assert await nothing_converted() == before == (1, 1, 0, 1)
    edit = await client.patch(f"/api/v1/sales/leads/{lead.id}", json={"note": "x"}, headers=headers)
    assert (edit.status_code, edit.json()["error"]) == (409, "lead_converted")


async def test_two_conversions_at_once_make_one_customer(client: httpx.AsyncClient) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    url = f"/api/v1/sales/leads/{lead.id}/conversion"
    headers = [await bearer(team.rep), await bearer(team.manager), await bearer(team.admin)]
    answers = await asyncio.gather(
        *(client.post(url, json={"opportunity": DEAL}, headers=h) for h in headers * 2)
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"lead_converted"}
    assert await nothing_converted() == (1, 1, 1, 1)
    assert await StageVisit.all().count() == 1


async def test_a_duplicate_in_scope_is_attached_not_recreated(client: httpx.AsyncClient) -> None:
    team = await make_team()
    existing = await make_customer(team.rep, "李雷", "13900139000")
    lead = await make_lead(team.rep, "李雷", "139-0013-9000")
    response = await client.post(
        f"/api/v1/sales/leads/{lead.id}/conversion",
        json={"opportunity": DEAL},
        headers=await bearer(team.rep),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["customer_id"], body["customer_created"], body["contact_id"]) == (
        existing.id,
        False,
        None,
    )
    assert await Customer.all().count() == 1
    assert await Contact.all().count() == 0
    assert await Opportunity.all().values_list("customer_id", flat=True) == [existing.id]


async def test_a_duplicate_outside_scope_refuses_naming_it_masked(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    await make_customer(team.far, "李雷", "13900139000")
    lead = await make_lead(team.rep, "李雷", "13900139000")
    before = await nothing_converted()
    response = await client.post(
        f"/api/v1/sales/leads/{lead.id}/conversion",
        json={"opportunity": DEAL},
        headers=await bearer(team.rep),
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "customer_duplicate"
    assert response.json()["detail"] == "客户已存在：李雷（139****9000），负责人：测试员工"
    assert await nothing_converted() == before == (1, 0, 0, 0)
    await lead.refresh_from_db()
    assert (lead.status, lead.customer_id) == ("new", None)


async def test_a_failing_opportunity_rolls_the_whole_conversion_back(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    won = await stage("赢单")
    response = await client.post(
        f"/api/v1/sales/leads/{lead.id}/conversion",
        json={"opportunity": {**DEAL, "stage_id": won.id}},
        headers=await bearer(team.rep),
    )
    assert (response.status_code, response.json()["error"]) == (422, "stage_closing")
    assert await nothing_converted() == (0, 0, 0, 0)
    assert await AuditLog.filter(action__startswith="customer").count() == 0
    await lead.refresh_from_db()
    assert lead.status == "new"


async def test_a_bad_opportunity_amount_is_refused_before_anything(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    response = await client.post(
        f"/api/v1/sales/leads/{lead.id}/conversion",
        json={"opportunity": {**DEAL, "amount_fen": -1}},
        headers=await bearer(team.rep),
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"][-1] == "amount_fen"
    assert await nothing_converted() == (0, 0, 0, 0)


async def test_out_of_scope_conversion_is_404(client: httpx.AsyncClient) -> None:
    team = await make_team()
    lead = await make_lead(team.far, "李雷", "13900139000")
    response = await client.post(
        f"/api/v1/sales/leads/{lead.id}/conversion", json={}, headers=await bearer(team.rep)
    )
    assert (response.status_code, response.json()["error"]) == (404, "lead_not_found")
    assert await nothing_converted() == (0, 0, 0, 0)


async def test_a_follow_up_marks_a_new_lead_contacted(client: httpx.AsyncClient) -> None:
    from crm_core.sales.leads.models import LeadFollowUp

    team = await make_team()
    lead = await make_lead(team.rep, "李雷", "13900139000")
    headers = await bearer(team.rep)
    url = f"/api/v1/sales/leads/{lead.id}/follow-ups"
    empty = await client.post(url, json={"content": ""}, headers=headers)
    assert empty.status_code == 422
    assert await LeadFollowUp.all().count() == 0
    ok = await client.post(url, json={"content": "电话沟通，下周寄样"}, headers=headers)
    assert ok.status_code == 201, ok.text
    row = await LeadFollowUp.get()
    assert (row.lead_id, row.content, row.staff_id) == (lead.id, "电话沟通，下周寄样", team.rep.id)
    await lead.refresh_from_db()
    assert lead.status == "contacted"
    listed = (await client.get(url, headers=headers)).json()
    assert [f["content"] for f in listed] == ["电话沟通，下周寄样"]
    far = await client.post(url, json={"content": "x"}, headers=await bearer(team.far))
    assert (far.status_code, far.json()["error"]) == (404, "lead_not_found")
    assert await LeadFollowUp.all().count() == 1
