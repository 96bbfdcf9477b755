"""Receipts (回款) over the API: proofs, the customer's scope, masked phones, idempotent
creation, and finance review (待审核 → 已确认 posts the journal / 已驳回) with its 4xx codes."""

import asyncio

import httpx

from crm_core.audit import AuditLog
from crm_core.payments.models import Receipt
from tests.crm_core.customers.factories import make_customer
from tests.crm_core.payments.factories import ledger_rows, make_account, make_finance
from tests.factories import bearer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def receipt_rows() -> list[tuple[object, ...]]:
    return list(
        await Receipt.all()
        .order_by("id")
        .values_list("customer_id", "amount_fen", "status", "reject_reason", "proof_id")
    )


def body(customer_id: int, account_id: int, **extra: object) -> dict[str, object]:
    return {
        "customer_id": customer_id,
        "account_id": account_id,
        "amount_fen": 250_000,
        "received_on": "2026-06-01",
        "method": "bank_transfer",
        "note": "首付款",
        "idempotency_key": "receipt-0001",
        **extra,
    }


async def world():  # type: ignore[no-untyped-def]
    finance = await make_finance()
    bank = await make_account(finance.cashier, "招行", opening_fen=0)
    mine = await make_customer(finance.team.rep, "北京茶行", "13800138000")
    theirs = await make_customer(finance.team.far, "广州茶行", "13900139000")
    return finance, bank, mine, theirs


async def test_a_rep_records_a_receipt_with_proof_and_finance_confirms_it(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, _ = await world()
    rep = await bearer(finance.team.rep)
    uploaded = await client.post(
        "/api/v1/payments/proofs", files={"file": ("水单.png", PNG, "image/png")}, headers=rep
    )
    assert uploaded.status_code == 201, uploaded.text
    proof_id = uploaded.json()["id"]
    created = await client.post(
        "/api/v1/payments/receipts", json=body(mine.id, bank.id, proof_id=proof_id), headers=rep
    )
    assert created.status_code == 201, created.text
    got = created.json()
    assert (got["status"], got["customer_phone"], got["proof"]["filename"], got["entry_id"]) == (
        "pending",
        "13800138000",
        "水单.png",
        None,
    )
    # Replaying the same request answers the same receipt.
    again = await client.post(
        "/api/v1/payments/receipts", json=body(mine.id, bank.id, proof_id=proof_id), headers=rep
    )
    assert (again.status_code, again.json()["id"]) == (201, got["id"])
    # Finance sees the customer's phone masked, reads the proof, and confirms.
    cashier = await bearer(finance.cashier)
    listed = await client.get("/api/v1/payments/receipts", headers=cashier)
    assert [(r["id"], r["customer_phone"]) for r in listed.json()["items"]] == [
        (got["id"], "138****8000")
    ]
    proof = await client.get(f"/api/v1/payments/receipts/{got['id']}/proof", headers=cashier)
    assert (proof.status_code, proof.content, proof.headers["content-type"]) == (
        200,
        PNG,
        "image/png",
    )
    confirmed = await client.post(f"/api/v1/payments/receipts/{got['id']}/confirm", headers=cashier)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["entry_id"]) == ("confirmed", 2)
    assert await ledger_rows() == [
        ("招行", 250_000),
        (bank.id, "opening", 0, 0),
        (bank.id, "receipt", 250_000, 250_000),
    ]
    owed = await client.get("/api/v1/payments/receivables", headers=await bearer(finance.team.rep))
    assert [
        (r["customer_name"], r["received_fen"], r["confirmed_fen"], r["pending_fen"])
        for r in owed.json()["items"]
    ] == [("北京茶行", 250_000, 250_000, 0)]


async def test_bad_receipts_are_refused_and_nothing_is_written(client: httpx.AsyncClient) -> None:
    finance, bank, mine, theirs = await world()
    rep = await bearer(finance.team.rep)
    closed = await make_account(finance.cashier, "旧户", opening_fen=0)
    closed.is_active = False
    await closed.save()
    other_proof = await client.post(
        "/api/v1/payments/proofs",
        files={"file": ("a.png", PNG, "image/png")},
        headers=await bearer(finance.team.far),
    )
    cases = [
        (body(theirs.id, bank.id), 404, "customer_not_found", None),
        (body(mine.id, 9_999), 404, "fund_account_not_found", "account_id"),
        (body(mine.id, closed.id), 409, "fund_account_disabled", "account_id"),
        (
            body(mine.id, bank.id, proof_id=other_proof.json()["id"]),
            404,
            "proof_not_found",
            "proof_id",
        ),
        (body(mine.id, bank.id, amount_fen=0), 422, "validation_error", "amount_fen"),
        (
            body(mine.id, bank.id, idempotency_key="short"),
            422,
            "validation_error",
            "idempotency_key",
        ),
    ]
    for payload, status, code, field in cases:
        response = await client.post("/api/v1/payments/receipts", json=payload, headers=rep)
        assert (response.status_code, response.json()["error"]) == (status, code), payload
        if field:
            assert response.json()["fields"][0]["loc"] == ["body", field]
    assert await receipt_rows() == []
    bad = await client.post(
        "/api/v1/payments/proofs",
        files={"file": ("x.exe", b"MZ\x90\x00", "image/png")},
        headers=rep,
    )
    assert (bad.status_code, bad.json()["error"]) == (422, "proof_type_invalid")


async def test_review_moves_once_and_refuses_the_rest_with_nothing_changed(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, _ = await world()
    rep, cashier = await bearer(finance.team.rep), await bearer(finance.cashier)
    first = (
        await client.post("/api/v1/payments/receipts", json=body(mine.id, bank.id), headers=rep)
    ).json()
    second = (
        await client.post(
            "/api/v1/payments/receipts",
            json=body(mine.id, bank.id, amount_fen=100, idempotency_key="receipt-0002"),
            headers=rep,
        )
    ).json()
    # Two reviewers confirm at once: one posts, the other is told it is no longer pending.
    answers = await asyncio.gather(
        client.post(f"/api/v1/payments/receipts/{first['id']}/confirm", headers=cashier),
        client.post(
            f"/api/v1/payments/receipts/{first['id']}/confirm", headers=await bearer(finance.head)
        ),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    rejected = await client.post(
        f"/api/v1/payments/receipts/{second['id']}/reject",
        json={"reason": "凭证不清"},
        headers=cashier,
    )
    assert (rejected.json()["status"], rejected.json()["reject_reason"]) == ("rejected", "凭证不清")
    before = (await receipt_rows(), await ledger_rows(), await AuditLog.all().count())
    refusals = [
        (f"/receipts/{first['id']}/confirm", None, cashier, 409, "receipt_not_pending"),
        (f"/receipts/{first['id']}/reject", {"reason": "x"}, cashier, 409, "receipt_not_pending"),
        (f"/receipts/{second['id']}/confirm", None, cashier, 409, "receipt_not_pending"),
        (f"/receipts/{first['id']}/reject", {"reason": ""}, cashier, 422, "validation_error"),
        (f"/receipts/{first['id']}/confirm", None, rep, 403, "permission_denied"),
        ("/receipts/9999/confirm", None, cashier, 404, "receipt_not_found"),
    ]
    for path, payload, who, status, code in refusals:
        response = await client.post(f"/api/v1/payments{path}", json=payload, headers=who)
        assert (response.status_code, response.json()["error"]) == (status, code), path
    assert (await receipt_rows(), await ledger_rows(), await AuditLog.all().count()) == before


async def test_nobody_reviews_their_own_receipt_and_scope_hides_others(
    client: httpx.AsyncClient,
) -> None:
    finance, bank, mine, theirs = await world()
    cashier = await bearer(finance.cashier)
    own = await client.post(
        "/api/v1/payments/receipts", json=body(theirs.id, bank.id), headers=cashier
    )
    assert own.status_code == 201, own.text
    refused = await client.post(
        f"/api/v1/payments/receipts/{own.json()['id']}/confirm", headers=cashier
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "receipt_self_review")
    assert await receipt_rows() == [(theirs.id, 250_000, "pending", "", None)]
    # The rep of 华东 neither lists nor reads 华南's receipt, nor its proof.
    rep = await bearer(finance.team.rep)
    assert (await client.get("/api/v1/payments/receipts", headers=rep)).json()["total"] == 0
    for path in (f"/receipts/{own.json()['id']}", f"/receipts/{own.json()['id']}/proof"):
        response = await client.get(f"/api/v1/payments{path}", headers=rep)
        assert (response.status_code, response.json()["error"]) == (404, "receipt_not_found")
    assert mine.id != theirs.id
