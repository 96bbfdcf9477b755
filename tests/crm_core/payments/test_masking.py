"""The PII scanner over the cash side: as a rep and as a manager, crawl every GET under
/api/v1/payments: no full number of a customer someone else owns shows, and one's own do."""

import io

import httpx
import openpyxl
import pytest

from crm_core.payments.models import Instalment, Proof, Receipt
from scrm.app import create_app
from tests.crm_core.customers.factories import make_customer
from tests.crm_core.payments.factories import make_account, make_contract, make_finance
from tests.crm_core.test_access_matrix import all_routes
from tests.factories import bearer


def xlsx_text(content: bytes) -> str:
    """The cells of an exported sheet (the zip itself would hide any number)."""
    if not content.startswith(b"PK"):
        return content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)


def payment_gets() -> list[str]:
    return sorted(
        r.path
        for r in all_routes(create_app(boot=False).routes)
        if r.path.startswith("/api/v1/payments") and "GET" in r.methods
    )


def test_the_crawl_covers_every_payments_get() -> None:
    assert payment_gets() == [
        "/api/v1/payments/accounts",
        "/api/v1/payments/aging",
        "/api/v1/payments/aging/export",
        "/api/v1/payments/contracts/{contract_id}/plan",
        "/api/v1/payments/journal",
        "/api/v1/payments/plan-reminders",
        "/api/v1/payments/receipt-accounts",
        "/api/v1/payments/receipts",
        "/api/v1/payments/receipts/{receipt_id}",
        "/api/v1/payments/receipts/{receipt_id}/proof",
        "/api/v1/payments/receivables",
        "/api/v1/payments/report",
        "/api/v1/payments/report/export",
        "/api/v1/payments/supplier-payments",
        "/api/v1/payments/supplier-payments/{payment_id}",
        "/api/v1/payments/supplier-payments/{payment_id}/proof",
        "/api/v1/payments/suppliers",
    ]


@pytest.mark.parametrize("who", ["rep", "manager", "cashier"])
async def test_no_full_number_of_anothers_customer_reaches_a_viewer(
    client: httpx.AsyncClient, who: str
) -> None:
    finance = await make_finance()
    team = finance.team
    account = await make_account(finance.cashier, "招行")
    viewer = finance.cashier if who == "cashier" else getattr(team, who)
    receipts, contracts = [], []
    for n, owner in enumerate((team.rep, team.mate, team.far, team.manager)):
        customer = await make_customer(owner, f"客户{n}", f"1380013800{n}")
        # A signed contract with an overdue instalment: the customer shows in the aging.
        contract = await make_contract(owner, customer, 10_000, f"HT2026-{n:04d}")
        await Instalment.create(
            contract=contract,
            due_on="2026-01-01",
            amount_fen=10_000,
            created_at=customer.created_at,
            updated_at=customer.created_at,
        )
        contracts.append(contract)
        proof = await Proof.create(
            path=f"none-{n}.png",
            filename="a.png",
            content_type="image/png",
            size=1,
            uploaded_by_id=owner.id,
            created_at=customer.created_at,
        )
        receipts.append(
            await Receipt.create(
                customer=customer,
                account=account,
                amount_fen=100,
                received_on="2026-06-01",
                method="cash",
                idempotency_key=f"mask-{n:04d}",
                request_hash="x",
                created_by_id=owner.id,
                created_at=customer.created_at,
                proof_id=proof.id,
            )
        )
    headers = await bearer(viewer)
    bodies = []
    for path in payment_gets():
        if path.endswith("/proof"):
            continue  # the file itself, not a customer field
        for receipt, contract in zip(receipts, contracts, strict=True):
            url = path.format(receipt_id=receipt.id, payment_id=1, contract_id=contract.id)
            answer = await client.get(url, headers=headers)
            bodies.append(xlsx_text(answer.content) if path.endswith("/export") else answer.text)
    crawled = "\n".join(bodies)
    numbers = {n: f"1380013800{n}" for n in range(4)}
    owners = [team.rep, team.mate, team.far, team.manager]
    leaked = [numbers[n] for n in range(4) if owners[n].id != viewer.id and numbers[n] in crawled]
    assert leaked == []
    own = [numbers[n] for n in range(4) if owners[n].id == viewer.id]
    assert all(number in crawled for number in own)
    # Masked forms do show where the viewer's scope reaches.
    assert ("138****8001" in crawled) == (who in ("manager", "cashier"))
