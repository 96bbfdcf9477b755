"""Supplier payments (付款): written with a proof and submitted as approval kind "payment",
decided by the finance head (and an admin from 10,000 元), then paid by the cashier, which
posts the journal entry; refusals change nothing."""

import io

import httpx
import openpyxl

from crm_core.approvals.models import ApprovalRequest
from crm_core.payments.models import SupplierPayment
from tests.crm_core.payments.factories import ledger_rows, make_account, make_finance
from tests.factories import bearer

PDF = b"%PDF-1.4\n%test\n"


async def payment_rows() -> list[tuple[object, ...]]:
    return list(
        await SupplierPayment.all()
        .order_by("id")
        .values_list("amount_fen", "status", "approval_id")
    )


async def world(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    finance = await make_finance()
    till = await make_account(finance.cashier, "现金", opening_fen=373_000)
    cashier = await bearer(finance.cashier)
    supplier = await client.post(
        "/api/v1/payments/suppliers",
        json={"name": "云南茶厂", "contact": "李四", "bank_account": "6222 0000"},
        headers=cashier,
    )
    assert supplier.status_code == 201, supplier.text
    return finance, till, cashier, supplier.json()["id"]


def body(supplier_id: int, account_id: int, **extra: object) -> dict[str, object]:
    return {
        "supplier_id": supplier_id,
        "account_id": account_id,
        "amount_fen": 50_000,
        "due_on": "2026-06-05",
        "purpose": "茶叶货款",
        "idempotency_key": "payment-0001",
        **extra,
    }


async def decide(
    client: httpx.AsyncClient, who: object, request_id: int, verb: str
) -> httpx.Response:
    detail = (await client.get(f"/api/v1/approvals/requests/{request_id}", headers=who)).json()  # type: ignore[arg-type]
    return await client.post(
        f"/api/v1/approvals/requests/{request_id}/{verb}",
        json={
            "step": detail["current_step"],
            "version": detail["version"],
            "comment": "同意" if verb == "approve" else "不付",
        },
        headers=who,  # type: ignore[arg-type]
    )


async def test_the_seeds_payment_is_approved_then_paid_into_the_journal(
    client: httpx.AsyncClient,
) -> None:
    finance, till, cashier, supplier_id = await world(client)
    proof = await client.post(
        "/api/v1/payments/proofs",
        files={"file": ("发票.pdf", PDF, "application/pdf")},
        headers=cashier,
    )
    created = await client.post(
        "/api/v1/payments/supplier-payments",
        json=body(supplier_id, till.id, proof_id=proof.json()["id"]),
        headers=cashier,
    )
    assert created.status_code == 201, created.text
    got = created.json()
    assert (got["status"], got["supplier_name"], got["proof"]["content_type"]) == (
        "pending",
        "云南茶厂",
        "application/pdf",
    )
    request = await ApprovalRequest.get(id=got["approval_id"])
    assert (request.kind, request.amount_fen, request.title) == (
        "payment",
        50_000,
        "付款给 云南茶厂 500.00 元：茶叶货款",
    )
    early = await client.post(
        f"/api/v1/payments/supplier-payments/{got['id']}/pay",
        json={"paid_on": "2026-06-02"},
        headers=cashier,
    )
    assert (early.status_code, early.json()["error"]) == (409, "supplier_payment_not_approved")
    approved = await decide(client, await bearer(finance.head), request.id, "approve")
    assert approved.status_code == 200, approved.text
    paid = await client.post(
        f"/api/v1/payments/supplier-payments/{got['id']}/pay",
        json={"paid_on": "2026-06-02"},
        headers=cashier,
    )
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["entry_id"]) == ("paid", 2)
    # The seed's figure: 3730 less 500 leaves 3230 in the cash account.
    assert await ledger_rows() == [
        ("现金", 323_000),
        (till.id, "opening", 373_000, 373_000),
        (till.id, "payment", -50_000, 323_000),
    ]
    twice = await client.post(
        f"/api/v1/payments/supplier-payments/{got['id']}/pay",
        json={"paid_on": "2026-06-02"},
        headers=cashier,
    )
    assert (twice.status_code, twice.json()["error"]) == (409, "supplier_payment_not_approved")
    assert await payment_rows() == [(50_000, "paid", request.id)]


async def test_a_payment_beyond_the_cash_is_refused_and_a_rejected_one_never_pays(
    client: httpx.AsyncClient,
) -> None:
    finance, till, cashier, supplier_id = await world(client)
    big = await client.post(
        "/api/v1/payments/supplier-payments",
        json=body(supplier_id, till.id, amount_fen=1_200_000),
        headers=cashier,
    )
    request_id = big.json()["approval_id"]
    # From 10,000 元 the admin signs after the finance head.
    assert (
        await decide(client, await bearer(finance.head), request_id, "approve")
    ).status_code == 200
    assert (await SupplierPayment.get(id=big.json()["id"])).status == "pending"
    assert (
        await decide(client, await bearer(finance.team.admin), request_id, "approve")
    ).status_code == 200
    before = (await payment_rows(), await ledger_rows())
    short = await client.post(
        f"/api/v1/payments/supplier-payments/{big.json()['id']}/pay",
        json={"paid_on": "2026-06-02"},
        headers=cashier,
    )
    assert (short.status_code, short.json()["error"]) == (409, "fund_insufficient")
    assert short.json()["detail"] == "账户「现金」余额 3,730.00 元，不足以支出 12,000.00 元"
    assert (await payment_rows(), await ledger_rows()) == before
    small = await client.post(
        "/api/v1/payments/supplier-payments",
        json=body(supplier_id, till.id, idempotency_key="payment-0002"),
        headers=cashier,
    )
    assert (
        await decide(client, await bearer(finance.head), small.json()["approval_id"], "reject")
    ).status_code == 200
    refused = await client.post(
        f"/api/v1/payments/supplier-payments/{small.json()['id']}/pay",
        json={"paid_on": "2026-06-02"},
        headers=cashier,
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "supplier_payment_not_approved")
    assert await payment_rows() == [
        (1_200_000, "approved", request_id),
        (50_000, "rejected", small.json()["approval_id"]),
    ]


async def test_bad_payments_are_refused_and_nothing_is_written(client: httpx.AsyncClient) -> None:
    finance, till, cashier, supplier_id = await world(client)
    await client.put(
        f"/api/v1/payments/suppliers/{supplier_id}",
        json={"name": "云南茶厂", "is_active": False},
        headers=cashier,
    )
    cases = [
        (body(supplier_id, till.id), 409, "supplier_disabled", "supplier_id"),
        (body(9_999, till.id), 404, "supplier_not_found", "supplier_id"),
        (body(supplier_id, till.id, purpose=""), 422, "validation_error", "purpose"),
    ]
    for payload, status, code, field in cases:
        response = await client.post(
            "/api/v1/payments/supplier-payments", json=payload, headers=cashier
        )
        assert (response.status_code, response.json()["error"]) == (status, code), payload
        assert response.json()["fields"][0]["loc"] == ["body", field]
    rep = await client.post(
        "/api/v1/payments/supplier-payments",
        json=body(supplier_id, till.id),
        headers=await bearer(finance.team.rep),
    )
    assert (rep.status_code, rep.json()["error"]) == (403, "permission_denied")
    assert await payment_rows() == []
    assert await ApprovalRequest.all().count() == 0


async def test_the_fund_report_sums_the_period_and_exports_it(client: httpx.AsyncClient) -> None:
    finance, till, cashier, _ = await world(client)
    bank = await make_account(finance.cashier, "工行", opening_fen=0)
    for day, amount, key in (
        ("2026-05-31", -3_000, "adjust-0001"),
        ("2026-06-02", 1_500, "adjust-0002"),
    ):
        response = await client.post(
            "/api/v1/payments/journal/adjustments",
            json={
                "account_id": till.id,
                "amount_fen": amount,
                "occurred_on": day,
                "reason": "盘点",
                "idempotency_key": key,
            },
            headers=cashier,
        )
        assert response.status_code == 201, response.text
    moved = await client.post(
        "/api/v1/payments/journal/transfers",
        json={
            "from_account_id": till.id,
            "to_account_id": bank.id,
            "amount_fen": 100_000,
            "occurred_on": "2026-06-03",
            "idempotency_key": "transfer-0001",
        },
        headers=cashier,
    )
    assert moved.status_code == 201, moved.text
    report = await client.get(
        "/api/v1/payments/report",
        params={"date_from": "2026-06-01", "date_to": "2026-06-03"},
        headers=cashier,
    )
    assert report.status_code == 200, report.text
    got = report.json()
    assert [
        (a["account_name"], a["opening_fen"], a["in_fen"], a["out_fen"], a["closing_fen"])
        for a in got["accounts"]
    ] == [
        ("现金", 370_000, 1_500, 100_000, 271_500),
        ("工行", 0, 100_000, 0, 100_000),
    ]
    assert [(d["day"], d["in_fen"], d["out_fen"]) for d in got["days"]] == [
        ("2026-06-01", 0, 0),
        ("2026-06-02", 1_500, 0),
        ("2026-06-03", 100_000, 100_000),
    ]
    assert got["total"]["closing_fen"] == 371_500
    bad = await client.get(
        "/api/v1/payments/report",
        params={"date_from": "2026-06-03", "date_to": "2026-06-01"},
        headers=cashier,
    )
    assert (bad.status_code, bad.json()["error"]) == (422, "period_invalid")
    sheet = await client.get(
        "/api/v1/payments/report/export",
        params={"date_from": "2026-06-01", "date_to": "2026-06-03"},
        headers=cashier,
    )
    assert sheet.status_code == 200, sheet.text
    rows = list(
        openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    )  # type: ignore[union-attr]
    assert rows == [
        ("账户", "类型", "期初余额（元）", "收入（元）", "支出（元）", "期末余额（元）"),
        ("现金", "现金", "3,700.00", "15.00", "1,000.00", "2,715.00"),
        ("工行", "现金", "0.00", "1,000.00", "0.00", "1,000.00"),
        ("合计", None, "3,700.00", "1,015.00", "1,000.00", "3,715.00"),
    ]
