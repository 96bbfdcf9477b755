"""Contracts over the API: amounts computed here, numbers under concurrency, review through the
approvals engine and the lock it leaves, the lifecycle, from-quote, scope and masking."""

import asyncio
from datetime import UTC, datetime

import httpx

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.sales.contracts.models import Contract, ContractLine
from crm_core.sales.quotes.models import Quote
from tests.crm_core.contracts.factories import approve_fully, contract_body, make_world
from tests.crm_core.customers.factories import make_customer
from tests.factories import bearer

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def contract_rows() -> list[tuple[object, ...]]:
    contracts = (
        await Contract.all()
        .order_by("id")
        .values_list("number", "status", "subtotal_fen", "discount_fen", "amount_fen", "title")
    )
    lines = (
        await ContractLine.all().order_by("id").values_list("sku_code", "quantity", "amount_fen")
    )
    return [*contracts, *lines]


async def test_a_rep_writes_a_contract_with_amounts_computed_here(
    client: httpx.AsyncClient,
) -> None:
    org, tea, cup = await make_world()
    with clock.freeze(NOW):
        response = await client.post(
            "/api/v1/contracts",
            json=contract_body(org.customer.id, tea.id, cup.id),
            headers=await bearer(org.rep),
        )
    assert response.status_code == 201, response.text
    got = response.json()
    assert (got["number"], got["status"], got["status_label"], got["locked"]) == (
        "HT-2026-0001",
        "draft",
        "草稿",
        False,
    )
    assert (got["customer_name"], got["customer_phone"], got["owner_name"]) == (
        "张三",
        "13800138000",
        org.rep.name,
    )
    # 10 × 129.00 = 1290.00; 20 × 4.50 less 10 % = 81.00; less 9.00 → 1362.00.
    assert (got["subtotal_fen"], got["discount_fen"], got["amount_fen"]) == (137_100, 900, 136_200)
    assert await contract_rows() == [
        ("HT-2026-0001", "draft", 137_100, 900, 136_200, "年度供货合同"),
        ("PE-357", 10, 129_000),
        ("CUP-1", 20, 8_100),
    ]
    assert (await AuditLog.get(action="sales.contract_created")).after["amount_fen"] == 136_200  # type: ignore[index]
    # Another rep's view of it: not found; the manager's: the phone masked.
    far = await client.get(f"/api/v1/contracts/{got['id']}", headers=await bearer(org.far))
    assert (far.status_code, far.json()["error"]) == (404, "contract_not_found")
    mate = await client.get("/api/v1/contracts", headers=await bearer(org.mate))
    assert mate.json()["total"] == 0
    seen = await client.get("/api/v1/contracts", headers=await bearer(org.manager))
    assert [c["customer_phone"] for c in seen.json()["items"]] == ["138****8000"]


async def test_bad_contracts_are_refused_and_nothing_is_written(client: httpx.AsyncClient) -> None:
    org, tea, cup = await make_world()
    theirs = await make_customer(org.far, "李四", "13900139000")
    rep = await bearer(org.rep)
    cases = [
        (contract_body(theirs.id, tea.id, cup.id), 404, "customer_not_found", None),
        (
            contract_body(org.customer.id, tea.id, cup.id, discount_fen=137_101),
            422,
            "contract_discount_too_large",
            "discount_fen",
        ),
        (
            contract_body(org.customer.id, tea.id, 99_999),
            409,
            "contract_sku_unavailable",
            "lines.1.sku_id",
        ),
        (
            contract_body(org.customer.id, tea.id, cup.id, end_date="2026-05-01"),
            422,
            "contract_period_invalid",
            "end_date",
        ),
        (contract_body(org.customer.id, tea.id, cup.id, lines=[]), 422, "validation_error", None),
        (
            contract_body(org.customer.id, tea.id, cup.id, amount_fen=1),
            422,
            "validation_error",
            None,
        ),
    ]
    with clock.freeze(NOW):
        for payload, status, code, field in cases:
            response = await client.post("/api/v1/contracts", json=payload, headers=rep)
            assert (response.status_code, response.json()["error"]) == (status, code), payload
            if field:
                assert response.json()["fields"][0]["loc"] == ["body", field]
        assert await contract_rows() == []
        assert await AuditLog.filter(action__startswith="sales.contract").count() == 0
        ok = await client.post(
            "/api/v1/contracts", json=contract_body(org.customer.id, tea.id, cup.id), headers=rep
        )
    assert ok.json()["number"] == "HT-2026-0001"


async def test_concurrent_contracts_get_distinct_numbers(client: httpx.AsyncClient) -> None:
    org, tea, cup = await make_world()
    rep = await bearer(org.rep)
    body = contract_body(org.customer.id, tea.id, cup.id)
    with clock.freeze(NOW):
        responses = await asyncio.gather(
            *(client.post("/api/v1/contracts", json=body, headers=rep) for _ in range(8))
        )
    assert [r.status_code for r in responses] == [201] * 8
    assert sorted(r.json()["number"] for r in responses) == [
        f"HT-2026-{n:04d}" for n in range(1, 9)
    ]


async def test_review_locks_the_contract_and_approval_keeps_it_locked(
    client: httpx.AsyncClient,
) -> None:
    org, tea, cup = await make_world()
    rep = await bearer(org.rep)
    body = contract_body(org.customer.id, tea.id, cup.id)
    with clock.freeze(NOW):
        created = (await client.post("/api/v1/contracts", json=body, headers=rep)).json()
        submitted = await client.post(
            "/api/v1/approvals/requests",
            json={"kind": "contract", "record_id": created["id"]},
            headers=rep,
        )
        assert submitted.status_code == 201, submitted.text
        # 1362.00 元 < 10,000 元: the sales manager alone.
        assert submitted.json()["amount_fen"] == 136_200
        assert [s["status"] for s in submitted.json()["steps"]] == ["pending", "skipped"]
        reviewing = await client.get(f"/api/v1/contracts/{created['id']}", headers=rep)
        assert (reviewing.json()["status"], reviewing.json()["status_label"]) == (
            "reviewing",
            "审核中",
        )
        listed = await client.get("/api/v1/contracts?status=reviewing", headers=rep)
        assert [c["id"] for c in listed.json()["items"]] == [created["id"]]
        drafts = await client.get("/api/v1/contracts?status=draft", headers=rep)
        assert drafts.json()["total"] == 0
        edit = await client.put(
            f"/api/v1/contracts/{created['id']}", json={**body, "title": "改"}, headers=rep
        )
        assert (edit.status_code, edit.json()["error"]) == (409, "record_locked")
        void = await client.post(
            f"/api/v1/contracts/{created['id']}/status", json={"status": "void"}, headers=rep
        )
        assert (void.status_code, void.json()["error"]) == (409, "contract_status_invalid")
        await approve_fully(client, org, "contract", created["id"], submit=False)
        approved = (await client.get(f"/api/v1/contracts/{created['id']}", headers=rep)).json()
        assert (approved["status"], approved["locked"]) == ("approved", True)
        edit = await client.put(
            f"/api/v1/contracts/{created['id']}", json={**body, "title": "改"}, headers=rep
        )
        assert (edit.status_code, edit.json()["error"]) == (409, "record_locked")
        assert (await Contract.get(id=created["id"])).title == "年度供货合同"
        moves = []
        for target in ("signed", "executing", "completed"):
            moved = await client.post(
                f"/api/v1/contracts/{created['id']}/status", json={"status": target}, headers=rep
            )
            moves.append((moved.status_code, moved.json()["status"]))
    assert moves == [(200, "signed"), (200, "executing"), (200, "completed")]
    assert str((await Contract.get(id=created["id"])).sign_date) == "2026-06-01"


async def test_a_contract_from_a_quote_copies_its_lines(client: httpx.AsyncClient) -> None:
    org, tea, _ = await make_world()
    rep = await bearer(org.rep)
    with clock.freeze(NOW):
        quote = await client.post(
            "/api/v1/quotes",
            json={
                "customer_id": org.customer.id,
                "valid_until": "2026-06-30",
                "discount_fen": 100,
                "lines": [{"sku_id": tea.id, "quantity": 2, "unit_price_fen": 12_000}],
            },
            headers=rep,
        )
        quote_id = quote.json()["id"]
        draft = await client.post(
            "/api/v1/contracts/from-quote", json={"quote_id": quote_id}, headers=rep
        )
        assert (draft.status_code, draft.json()["error"]) == (409, "contract_quote_not_usable")
        await client.post(f"/api/v1/quotes/{quote_id}/status", json={"status": "sent"}, headers=rep)
        made = await client.post(
            "/api/v1/contracts/from-quote", json={"quote_id": quote_id}, headers=rep
        )
    assert made.status_code == 201, made.text
    got = made.json()
    assert (got["quote_id"], got["title"], got["amount_fen"]) == (
        quote_id,
        "张三 合同（BJ-2026-0001）",
        23_900,
    )
    assert [(li["sku_code"], li["quantity"], li["unit_price_fen"]) for li in got["lines"]] == [
        ("PE-357", 2, 12_000)
    ]
    assert await Quote.all().count() == 1
