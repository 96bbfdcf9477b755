"""Customers over the API: entry with dedupe, edits without the phone, contacts, follow-ups."""

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.customers.models import Contact, Customer, FollowUp
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer

NEW = {"name": "张三", "phone": "138 0013 8000", "kind": "person", "level": "b"}


async def rows() -> list[tuple[object, ...]]:
    return [
        tuple(r.values())
        for r in await Customer.all()
        .order_by("id")
        .values("id", "name", "phone", "owner_id", "level", "updated_at")
    ]


async def test_a_rep_enters_a_customer_they_then_own(client: httpx.AsyncClient) -> None:
    team = await make_team()
    response = await client.post(
        "/api/v1/customers",
        json={**NEW, "industry": "零售", "tags": ["重点", " 华东 "]},
        headers=await bearer(team.rep),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["phone"], body["phone_masked"], body["owner_name"]) == (
        "张三",
        "13800138000",
        False,
        "测试员工",
    )
    customer = await Customer.get(id=body["id"])
    assert (
        customer.name,
        customer.name_key,
        customer.phone,
        customer.level,
        customer.industry,
        customer.tags,
        customer.owner_id,
        customer.department_id,
        customer.created_by_id,
    ) == (
        "张三",
        "张三",
        "+8613800138000",
        "b",
        "零售",
        ["重点", "华东"],
        team.rep.id,
        team.east.id,
        team.rep.id,
    )
    entry = await AuditLog.get(action="customer.created")
    assert entry.after is not None
    assert entry.after["phone"] == "138****8000"
    assert "13800138000" not in str(entry.after)


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("far", "138****8000"),
        ("mate", "138****8000"),
        ("rep", "13800138000"),
        ("admin", "13800138000"),
    ],
)
async def test_a_duplicate_names_the_existing_customer_masked_unless_yours(
    client: httpx.AsyncClient, who: str, shown: str
) -> None:
    team = await make_team()
    await make_customer(team.rep, "张三", "13800138000")
    before = await rows()
    # Same phone in another spelling, same name in full width: still the same customer.
    response = await client.post(
        "/api/v1/customers",
        json={**NEW, "name": " 张三 ", "phone": "+86 13800138000"},
        headers=await bearer(getattr(team, who)),
    )
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "customer_duplicate"
    assert body["detail"] == f"客户已存在：张三（{shown}），负责人：测试员工"
    assert body["fields"][0]["loc"] == ["body", "phone"]
    assert await rows() == before


async def test_same_phone_with_another_name_is_another_customer(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    await make_customer(team.rep, "张三", "13800138000")
    response = await client.post(
        "/api/v1/customers", json={**NEW, "name": "张三丰"}, headers=await bearer(team.rep)
    )
    assert response.status_code == 201, response.text
    assert await Customer.filter(phone="+8613800138000").count() == 2


async def test_concurrent_entries_of_one_customer_make_one_row_and_409s(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    headers = [await bearer(s) for s in (team.rep, team.mate, team.far, team.manager)]
    answers = await asyncio.gather(
        *(client.post("/api/v1/customers", json=NEW, headers=h) for h in headers * 3)
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * 11
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"customer_duplicate"}
    assert await Customer.all().count() == 1
    assert await AuditLog.filter(action="customer.created").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({**NEW, "phone": "12345"}, 422, "phone_invalid", "phone"),
        ({**NEW, "name": ""}, 422, "validation_error", "name"),
        ({**NEW, "level": "z"}, 422, "validation_error", "level"),
        ({**NEW, "owner_id": 999999}, 404, "staff_not_found", None),
        ({**NEW, "member_id": 1}, 422, "validation_error", "member_id"),
    ],
    ids=["phone", "name", "level", "owner", "extra"],
)
async def test_bad_entries_change_nothing(
    client: httpx.AsyncClient, body: dict[str, object], status: int, code: str, field: str | None
) -> None:
    team = await make_team()
    response = await client.post("/api/v1/customers", json=body, headers=await bearer(team.manager))
    assert (response.status_code, response.json()["error"]) == (status, code), response.text
    if field:
        assert response.json()["fields"][0]["loc"][-1] == field
    assert await Customer.all().count() == 0


async def test_a_manager_enters_for_a_rep_but_not_for_a_guide_or_another_team(
    client: httpx.AsyncClient,
) -> None:
    from tests.factories import make_staff

    team = await make_team()
    guide = await make_staff("guide", department=team.east)
    headers = await bearer(team.manager)
    ok = await client.post(
        "/api/v1/customers", json={**NEW, "owner_id": team.rep.id}, headers=headers
    )
    assert ok.status_code == 201, ok.text
    assert (ok.json()["owner_id"], ok.json()["phone"]) == (team.rep.id, "138****8000")
    refused = await client.post(
        "/api/v1/customers", json={**NEW, "name": "李四", "owner_id": guide.id}, headers=headers
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "owner_not_eligible")
    hidden = await client.post(
        "/api/v1/customers", json={**NEW, "name": "王五", "owner_id": team.far.id}, headers=headers
    )
    assert (hidden.status_code, hidden.json()["error"]) == (404, "staff_not_found")
    assert await Customer.all().count() == 1


async def test_the_phone_cannot_be_edited_and_a_rename_is_deduped(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    mine = await make_customer(team.rep, "张三", "13800138000")
    await make_customer(team.far, "李四", "13800138000")
    headers = await bearer(team.rep)
    before = await rows()
    url = f"/api/v1/customers/{mine.id}"
    phone = await client.patch(url, json={"phone": "13900139000"}, headers=headers)
    assert (phone.status_code, phone.json()["fields"][0]["loc"]) == (422, ["body", "phone"])
    clash = await client.patch(url, json={"name": "李四"}, headers=headers)
    assert clash.status_code == 409
    assert clash.json()["detail"] == "客户已存在：李四（138****8000），负责人：测试员工"
    assert await rows() == before
    renamed = await client.patch(url, json={"name": "张三三", "level": "a"}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    saved = await Customer.get(id=mine.id)
    assert (saved.name, saved.name_key, saved.level, saved.phone) == (
        "张三三",
        "张三三",
        "a",
        "+8613800138000",
    )
    entry = await AuditLog.get(action="customer.updated")
    assert (entry.before, entry.after) == (
        {"name": "张三", "level": "c"},
        {"name": "张三三", "level": "a"},
    )


async def test_each_role_lists_its_scope_with_phones_per_policy(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    await make_customer(team.rep, "张三", "13800138001")
    await make_customer(team.mate, "李四", "13800138002")
    await make_customer(team.far, "王五", "13800138003")
    seen = {}
    for who in ("rep", "manager", "far", "admin"):
        page = await client.get("/api/v1/customers", headers=await bearer(getattr(team, who)))
        seen[who] = [(c["name"], c["phone"]) for c in page.json()["items"]]
    assert seen == {
        "rep": [("张三", "13800138001")],
        "manager": [("李四", "138****8002"), ("张三", "138****8001")],
        "far": [("王五", "13800138003")],
        "admin": [("王五", "13800138003"), ("李四", "13800138002"), ("张三", "13800138001")],
    }


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("13800138002", ["李四"]),
        ("+86 138 0013 8002", ["李四"]),
        ("8002", ["李四"]),
        ("00138", []),  # hidden middle digits are not searchable
        ("李", ["李四"]),
    ],
)
async def test_search_by_name_or_whole_phone(
    client: httpx.AsyncClient, q: str, names: list[str]
) -> None:
    team = await make_team()
    await make_customer(team.rep, "张三", "13800138001")
    await make_customer(team.mate, "李四", "13800138002")
    await make_customer(team.far, "李五", "13800138005")
    page = await client.get(
        "/api/v1/customers", params={"q": q}, headers=await bearer(team.manager)
    )
    assert [c["name"] for c in page.json()["items"]] == names


async def test_others_customers_answer_404_like_missing_ones(client: httpx.AsyncClient) -> None:
    team = await make_team()
    theirs = await make_customer(team.mate, "李四", "13800138002")
    headers = await bearer(team.rep)
    hidden = await client.get(f"/api/v1/customers/{theirs.id}", headers=headers)
    missing = await client.get("/api/v1/customers/999999", headers=headers)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.json()["error"] == "customer_not_found"


async def test_contacts_keep_one_primary_and_are_masked_like_their_customer(
    client: httpx.AsyncClient,
) -> None:
    team = await make_team()
    customer = await make_customer(team.rep, "某公司", "02112345678", kind="company")
    headers = await bearer(team.rep)
    url = f"/api/v1/customers/{customer.id}/contacts"
    first = await client.post(
        url, json={"name": "王经理", "phone": "13900139000", "is_primary": True}, headers=headers
    )
    second = await client.post(
        url, json={"name": "赵会计", "title": "会计", "is_primary": True}, headers=headers
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert [(c.name, c.phone, c.is_primary) for c in await Contact.all().order_by("id")] == [
        ("王经理", "+8613900139000", False),
        ("赵会计", "", True),
    ]
    bad = await client.patch(f"{url}/{first.json()['id']}", json={"phone": "1"}, headers=headers)
    assert (bad.status_code, bad.json()["error"]) == (422, "phone_invalid")
    manager = await client.get(url, headers=await bearer(team.manager))
    assert [(c["name"], c["phone"]) for c in manager.json()] == [
        ("赵会计", ""),
        ("王经理", "139****9000"),
    ]


async def test_a_follow_up_moves_the_customers_dates(client: httpx.AsyncClient) -> None:
    from crm_core import clock

    team = await make_team()
    customer = await make_customer(team.rep, "张三", "13800138000")
    with clock.freeze(datetime(2026, 12, 7, 2, 0, tzinfo=UTC)):
        response = await client.post(
            f"/api/v1/customers/{customer.id}/follow-ups",
            json={
                "kind": "visit",
                "content": "上门拜访，约下周签约",
                "next_contact_at": "2026-12-14T02:00:00Z",
            },
            headers=await bearer(team.rep),
        )
    assert response.status_code == 201, response.text
    saved = await Customer.get(id=customer.id)
    assert (saved.last_followed_at, saved.next_contact_at) == (
        datetime(2026, 12, 7, 2, 0, tzinfo=UTC),
        datetime(2026, 12, 14, 2, 0, tzinfo=UTC),
    )
    row = await FollowUp.get(customer_id=customer.id)
    assert (row.kind, row.content, row.staff_id) == ("visit", "上门拜访，约下周签约", team.rep.id)
    bad = await client.post(
        f"/api/v1/customers/{customer.id}/follow-ups",
        json={"kind": "fax", "content": "x"},
        headers=await bearer(team.rep),
    )
    assert bad.status_code == 422
    assert await FollowUp.all().count() == 1
    timeline = await client.get(
        f"/api/v1/customers/{customer.id}/follow-ups", headers=await bearer(team.manager)
    )
    assert [(f["kind"], f["staff_name"]) for f in timeline.json()] == [("visit", "测试员工")]
