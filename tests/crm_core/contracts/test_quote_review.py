"""Approval kind "quote": a discounted draft goes to review, is locked (no edit, no send) while
pending, and is free to send once approved."""

from datetime import UTC, datetime

import httpx

from crm_core import clock
from crm_core.sales.quotes.models import Quote
from tests.crm_core.contracts.factories import approve_fully, make_world
from tests.factories import bearer

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def test_a_discounted_quote_is_reviewed_then_sent(client: httpx.AsyncClient) -> None:
    org, tea, _ = await make_world()
    rep = await bearer(org.rep)
    body = {
        "customer_id": org.customer.id,
        "valid_until": "2026-06-30",
        "discount_fen": 900,
        "lines": [{"sku_id": tea.id, "quantity": 2, "discount_bp": 1000}],
    }
    with clock.freeze(NOW):
        quote = (await client.post("/api/v1/quotes", json=body, headers=rep)).json()
        submitted = await client.post(
            "/api/v1/approvals/requests",
            json={"kind": "quote", "record_id": quote["id"], "reason": "大客户折扣"},
            headers=rep,
        )
        assert submitted.status_code == 201, submitted.text
        # 2 × 129.00 less 10 % = 232.20, less 9.00.
        assert (submitted.json()["amount_fen"], submitted.json()["title"]) == (
            22_320,
            "报价单 BJ-2026-0001 合计 223.20 元（整单优惠 9.00 元，1 行有折扣）",
        )
        url = f"/api/v1/quotes/{quote['id']}"
        edit = await client.put(url, json={**body, "discount_fen": 0}, headers=rep)
        send = await client.post(f"{url}/status", json={"status": "sent"}, headers=rep)
        assert [(r.status_code, r.json()["error"]) for r in (edit, send)] == [
            (409, "record_locked"),
            (409, "record_locked"),
        ]
        assert await Quote.get(id=quote["id"]).values_list("status", "discount_fen") == (
            "draft",
            900,
        )
        await approve_fully(client, org, "quote", quote["id"], submit=False)
        sent = await client.post(f"{url}/status", json={"status": "sent"}, headers=rep)
    assert (sent.status_code, sent.json()["status"]) == (200, "sent")
