"""Quotes over the API: totals computed here, scoped customers, masked phones, numbers, moves."""

import asyncio
from datetime import UTC, date, datetime

import httpx

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.catalog.models import SaleStatus
from crm_core.sales.quotes.models import Quote, QuoteLine
from crm_core.sales.quotes.service.quotes import expire_quotes
from tests.crm_core.catalog.factories import make_sku
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def quote_rows() -> list[tuple[object, ...]]:
    quotes = (
        await Quote.all()
        .order_by("id")
        .values_list("number", "status", "subtotal_fen", "discount_fen", "total_fen", "customer_id")
    )
    lines = await QuoteLine.all().order_by("id").values_list("sku_code", "quantity", "amount_fen")
    return [*quotes, *lines]


async def world() -> tuple[object, ...]:
    team = await make_team()
    mine = await make_customer(team.rep, "北京茶行", "13800138000")
    theirs = await make_customer(team.far, "广州茶行", "13900139000")
    tea = await make_sku("普洱茶饼", "PE-357", 12_900, spec="357g", unit="饼")
    cup = await make_sku("茶杯", "CUP-1", 5)
    return team, mine, theirs, tea, cup


def body(customer_id: int, tea_id: int, cup_id: int, **extra: object) -> dict[str, object]:
    return {
        "customer_id": customer_id,
        "valid_until": "2026-06-30",
        "discount_fen": 834,
        "note": "含运费",
        "lines": [
            {"sku_id": tea_id, "quantity": 3, "discount_bp": 1000},
            {"sku_id": cup_id, "quantity": 1, "unit_price_fen": 5, "discount_bp": 1000},
        ],
        **extra,
    }


async def test_a_rep_quotes_their_customer_with_totals_computed_here(
    client: httpx.AsyncClient,
) -> None:
    team, mine, _, tea, cup = await world()
    with clock.freeze(NOW):
        response = await client.post(
            "/api/v1/quotes", json=body(mine.id, tea.id, cup.id), headers=await bearer(team.rep)
        )
    assert response.status_code == 201, response.text
    got = response.json()
    assert (got["number"], got["status"], got["customer_name"], got["customer_phone"]) == (
        "BJ-2026-0001",
        "draft",
        "北京茶行",
        "13800138000",
    )
    # 3 × 129.00 less 10 % = 348.30; 0.05 less 10 % (0.005 rounds up) = 0.04; less 8.34.
    assert (got["subtotal_fen"], got["discount_fen"], got["total_fen"]) == (34_834, 834, 34_000)
    assert [
        (li["sku_code"], li["product_name"], li["unit"], li["amount_fen"]) for li in got["lines"]
    ] == [
        ("PE-357", "普洱茶饼", "饼", 34_830),
        ("CUP-1", "茶杯", "件", 4),
    ]
    assert await quote_rows() == [
        ("BJ-2026-0001", "draft", 34_834, 834, 34_000, mine.id),
        ("PE-357", 3, 34_830),
        ("CUP-1", 1, 4),
    ]
    quote = await Quote.get(number="BJ-2026-0001")
    assert (quote.owner_id, quote.department_id) == (team.rep.id, team.east.id)
    entry = await AuditLog.get(action="sales.quote_created")
    assert entry.after["total_fen"] == 34_000  # type: ignore[index]


async def test_bad_quotes_are_refused_and_nothing_is_written(client: httpx.AsyncClient) -> None:
    team, mine, theirs, tea, cup = await world()
    off = await make_sku("旧茶", "OLD", 100, status=SaleStatus.OFF_SALE)
    rep = await bearer(team.rep)
    cases = [
        (body(theirs.id, tea.id, cup.id), 404, "customer_not_found", None),
        (
            body(mine.id, tea.id, cup.id, discount_fen=34_835),
            422,
            "quote_discount_too_large",
            "discount_fen",
        ),
        (body(mine.id, tea.id, off.id), 409, "quote_sku_unavailable", "lines.1.sku_id"),
        (body(mine.id, tea.id, 99_999), 409, "quote_sku_unavailable", "lines.1.sku_id"),
        (
            body(mine.id, tea.id, cup.id, valid_until="2026-05-31"),
            422,
            "quote_validity_past",
            "valid_until",
        ),
        (body(mine.id, tea.id, cup.id, lines=[]), 422, "validation_error", None),
        (body(mine.id, tea.id, cup.id, total_fen=1), 422, "validation_error", None),
    ]
    with clock.freeze(NOW):
        for payload, status, code, field in cases:
            response = await client.post("/api/v1/quotes", json=payload, headers=rep)
            assert (response.status_code, response.json()["error"]) == (status, code), payload
            if field:
                assert response.json()["fields"][0]["loc"] == ["body", field]
    assert await quote_rows() == []
    assert await AuditLog.all().count() == 0
    # The number counter did not move either: the next quote is the first.
    with clock.freeze(NOW):
        ok = await client.post("/api/v1/quotes", json=body(mine.id, tea.id, cup.id), headers=rep)
    assert ok.json()["number"] == "BJ-2026-0001"


async def test_concurrent_quotes_get_distinct_numbers(client: httpx.AsyncClient) -> None:
    team, mine, _, tea, cup = await world()
    rep = await bearer(team.rep)
    with clock.freeze(NOW):
        responses = await asyncio.gather(
            *(
                client.post("/api/v1/quotes", json=body(mine.id, tea.id, cup.id), headers=rep)
                for _ in range(6)
            )
        )
    assert [r.status_code for r in responses] == [201] * 6
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == [f"BJ-2026-{n:04d}" for n in range(1, 7)]


async def test_scope_and_masking(client: httpx.AsyncClient) -> None:
    team, mine, theirs, tea, cup = await world()
    with clock.freeze(NOW):
        created = await client.post(
            "/api/v1/quotes", json=body(mine.id, tea.id, cup.id), headers=await bearer(team.rep)
        )
    quote_id = created.json()["id"]
    # The manager sees the quote but not the rep's customer's full number.
    seen = await client.get(f"/api/v1/quotes/{quote_id}", headers=await bearer(team.manager))
    assert seen.status_code == 200
    assert (seen.json()["customer_name"], seen.json()["customer_phone"]) == (
        "北京茶行",
        "138****8000",
    )
    listed = await client.get("/api/v1/quotes", headers=await bearer(team.manager))
    assert [q["customer_phone"] for q in listed.json()["items"]] == ["138****8000"]
    # A rep of another team does not see it at all.
    far = await bearer(team.far)
    assert (await client.get(f"/api/v1/quotes/{quote_id}", headers=far)).status_code == 404
    assert (await client.get("/api/v1/quotes", headers=far)).json()["total"] == 0
    before = await quote_rows()
    with clock.freeze(NOW):
        edit = await client.put(
            f"/api/v1/quotes/{quote_id}", json=body(theirs.id, tea.id, cup.id), headers=far
        )
    assert edit.status_code == 404
    assert await quote_rows() == before


async def test_drafts_are_edited_and_then_moved_through_their_states(
    client: httpx.AsyncClient,
) -> None:
    team, mine, _, tea, cup = await world()
    rep = await bearer(team.rep)
    with clock.freeze(NOW):
        quote_id = (
            await client.post("/api/v1/quotes", json=body(mine.id, tea.id, cup.id), headers=rep)
        ).json()["id"]
        edited = await client.put(
            f"/api/v1/quotes/{quote_id}",
            json=body(
                mine.id, tea.id, cup.id, discount_fen=0, lines=[{"sku_id": tea.id, "quantity": 1}]
            ),
            headers=rep,
        )
        assert edited.status_code == 200, edited.text
        assert (edited.json()["subtotal_fen"], edited.json()["total_fen"]) == (12_900, 12_900)
        assert await QuoteLine.all().values_list("sku_code", "amount_fen") == [("PE-357", 12_900)]
        wrong = await client.post(
            f"/api/v1/quotes/{quote_id}/status", json={"status": "accepted"}, headers=rep
        )
        assert (wrong.status_code, wrong.json()["error"]) == (409, "quote_status_invalid")
        assert wrong.json()["detail"] == "报价单不能从「草稿」改为「已接受」"
        sent = await client.post(
            f"/api/v1/quotes/{quote_id}/status", json={"status": "sent"}, headers=rep
        )
        assert sent.json()["status"] == "sent"
        locked = await client.put(
            f"/api/v1/quotes/{quote_id}", json=body(mine.id, tea.id, cup.id), headers=rep
        )
        assert (locked.status_code, locked.json()["error"]) == (409, "quote_not_editable")
    assert await Quote.get(id=quote_id).values_list("status", "total_fen") == ("sent", 12_900)
    # Past its date a sent quote can no longer be accepted, and the nightly job expires it.
    with clock.freeze(datetime(2026, 7, 1, 1, 0, tzinfo=UTC)):
        late = await client.post(
            f"/api/v1/quotes/{quote_id}/status", json={"status": "accepted"}, headers=rep
        )
        assert (late.status_code, late.json()["error"]) == (409, "quote_expired")
        assert await Quote.get(id=quote_id).values_list("status", flat=True) == "sent"
        assert await expire_quotes() == 1
        assert await expire_quotes() == 0
    assert await Quote.get(id=quote_id).values_list("status", flat=True) == "expired"
    actions = (
        await AuditLog.filter(target_type="sales_quote")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "sales.quote_created",
        "sales.quote_updated",
        "sales.quote_status_changed",
        "sales.quote_expired",
    ]
    assert date(2026, 6, 30) == (await Quote.get(id=quote_id)).valid_until
