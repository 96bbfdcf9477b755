"""JSON API under /api/v1/payments: fund accounts, the cash journal, receipts (回款) and their
review, proofs, suppliers, supplier payments (付款) and the fund report."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

import crm_core.payments.permissions  # noqa: F401 - registers the payment resources
from crm_core.exports import XLSX_TYPE
from crm_core.http import content_disposition, require
from crm_core.payments.models import JournalKind, PaymentStatus, ReceiptStatus
from crm_core.payments.schemas import (
    AgingReport,
    FundAccountCreate,
    FundAccountOption,
    FundAccountRead,
    FundAccountUpdate,
    FundReport,
    InstalmentWrite,
    JournalAdjustment,
    JournalEntryPage,
    JournalEntryRead,
    JournalReversal,
    JournalTransfer,
    JournalTransferRead,
    PaymentCreate,
    PaymentPage,
    PaymentPay,
    PaymentRead,
    PlanRead,
    ProofRead,
    ReceiptCreate,
    ReceiptPage,
    ReceiptRead,
    ReceivablePage,
    Rejection,
    ReminderRead,
    SupplierRead,
    SupplierWrite,
)
from crm_core.payments.service import (
    accounts,
    plans,
    proofs,
    receipts,
    receivables,
    report,
    supplier_payments,
    suppliers,
)
from crm_core.permissions import Principal
from crm_core.validation import BigId, Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])


AccountViewer = Annotated[Principal, Depends(require("payments.account:view"))]
AccountCreator = Annotated[Principal, Depends(require("payments.account:create"))]
AccountEditor = Annotated[Principal, Depends(require("payments.account:edit"))]
JournalViewer = Annotated[Principal, Depends(require("payments.journal:view"))]
JournalWriter = Annotated[Principal, Depends(require("payments.journal:create"))]
ReceiptViewer = Annotated[Principal, Depends(require("payments.receipt:view"))]
ReceiptCreator = Annotated[Principal, Depends(require("payments.receipt:create"))]
ReceiptReviewer = Annotated[Principal, Depends(require("payments.receipt:edit"))]
SupplierViewer = Annotated[Principal, Depends(require("payments.supplier:view"))]
SupplierCreator = Annotated[Principal, Depends(require("payments.supplier:create"))]
SupplierEditor = Annotated[Principal, Depends(require("payments.supplier:edit"))]
PaymentViewer = Annotated[Principal, Depends(require("payments.payment:view"))]
PaymentCreator = Annotated[Principal, Depends(require("payments.payment:create"))]
PaymentPayer = Annotated[Principal, Depends(require("payments.payment:edit"))]
ReportViewer = Annotated[Principal, Depends(require("payments.report:view"))]
ReportExporter = Annotated[Principal, Depends(require("payments.report:export"))]
# Payment plans belong to the contract: seen and edited with the contract's own permissions.
ContractViewer = Annotated[Principal, Depends(require("sales.contract:view"))]
ContractEditor = Annotated[Principal, Depends(require("sales.contract:edit"))]
ProofFile: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}, "image/jpeg": {}, "application/pdf": {}}}
}


def _file(content: bytes, content_type: str, filename: str) -> Response:
    return Response(content, media_type=content_type, headers=content_disposition(filename))


@router.get("/accounts", response_model=list[FundAccountRead])
async def list_accounts(_: AccountViewer, active_only: bool = False) -> list[FundAccountRead]:
    return await accounts.list_accounts(active_only)


@router.get("/receipt-accounts", response_model=list[FundAccountOption])
async def receipt_accounts(_: ReceiptCreator) -> list[FundAccountOption]:
    """The active accounts a receipt may name, without balances."""
    return await accounts.account_options()


@router.post("/accounts", response_model=FundAccountRead, status_code=201)
async def create_account(body: FundAccountCreate, principal: AccountCreator) -> FundAccountRead:
    """The opening balance becomes the account's first journal entry."""
    return await accounts.create_account(principal, body)


@router.put("/accounts/{fund_account_id}", response_model=FundAccountRead)
async def update_account(
    fund_account_id: Id, body: FundAccountUpdate, principal: AccountEditor
) -> FundAccountRead:
    return await accounts.update_account(principal, fund_account_id, body)


@router.get("/journal", response_model=JournalEntryPage)
async def list_entries(
    _: JournalViewer,
    account_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    kind: JournalKind | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> JournalEntryPage:
    """Newest first; balance_after_fen is the account's running balance after each entry."""
    return await accounts.list_entries(
        account_id, kind, date_from, date_to, page=page, page_size=page_size
    )


@router.post("/journal/adjustments", response_model=JournalEntryRead, status_code=201)
async def adjust(body: JournalAdjustment, principal: JournalWriter) -> JournalEntryRead:
    return await accounts.adjust(principal, body)


@router.post("/journal/transfers", response_model=JournalTransferRead, status_code=201)
async def transfer(body: JournalTransfer, principal: JournalWriter) -> JournalTransferRead:
    return await accounts.transfer(principal, body)


@router.post("/journal/{entry_id}/reversal", response_model=JournalEntryRead, status_code=201)
async def reverse(
    entry_id: BigId, body: JournalReversal, principal: JournalWriter
) -> JournalEntryRead:
    return await accounts.reverse(principal, entry_id, body)


@router.post("/proofs", response_model=ProofRead, status_code=201)
async def upload_proof(file: Annotated[UploadFile, File()], principal: ReceiptCreator) -> ProofRead:
    """JPG, PNG or PDF up to 5 MB; attach it by id to one receipt or payment."""
    body = await file.read(proofs.MAX_BYTES + 1)
    return await proofs.upload(principal, file.filename or "", body)


@router.get("/receipts", response_model=ReceiptPage)
async def list_receipts(
    principal: ReceiptViewer,
    status: ReceiptStatus | None = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> ReceiptPage:
    return await receipts.list_receipts(
        principal, status, customer_id, page=page, page_size=page_size
    )


@router.post("/receipts", response_model=ReceiptRead, status_code=201)
async def create_receipt(body: ReceiptCreate, principal: ReceiptCreator) -> ReceiptRead:
    """Idempotent on idempotency_key: a replay answers the first receipt."""
    return await receipts.create_receipt(principal, body)


@router.get("/receivables", response_model=ReceivablePage)
async def list_receivables(principal: ReceiptViewer) -> ReceivablePage:
    return await receipts.receivables(principal)


@router.get("/receipts/{receipt_id}", response_model=ReceiptRead)
async def get_receipt(receipt_id: Id, principal: ReceiptViewer) -> ReceiptRead:
    return await receipts.get_receipt(principal, receipt_id)


@router.post("/receipts/{receipt_id}/confirm", response_model=ReceiptRead)
async def confirm_receipt(receipt_id: Id, principal: ReceiptReviewer) -> ReceiptRead:
    """待审核 → 已确认; posts the receipt to the journal."""
    return await receipts.confirm_receipt(principal, receipt_id)


@router.post("/receipts/{receipt_id}/reject", response_model=ReceiptRead)
async def reject_receipt(
    receipt_id: Id, body: Rejection, principal: ReceiptReviewer
) -> ReceiptRead:
    return await receipts.reject_receipt(principal, receipt_id, body)


@router.get("/receipts/{receipt_id}/proof", response_class=Response, responses=ProofFile)
async def receipt_proof(receipt_id: Id, principal: ReceiptViewer) -> Response:
    return _file(*await receipts.receipt_proof(principal, receipt_id))


@router.get("/suppliers", response_model=list[SupplierRead])
async def list_suppliers(
    _: SupplierViewer, q: Annotated[str, Query(max_length=64)] = "", active_only: bool = False
) -> list[SupplierRead]:
    return await suppliers.list_suppliers(q, active_only)


@router.post("/suppliers", response_model=SupplierRead, status_code=201)
async def create_supplier(body: SupplierWrite, principal: SupplierCreator) -> SupplierRead:
    return await suppliers.save_supplier(principal, body)


@router.put("/suppliers/{supplier_id}", response_model=SupplierRead)
async def update_supplier(
    supplier_id: Id, body: SupplierWrite, principal: SupplierEditor
) -> SupplierRead:
    return await suppliers.save_supplier(principal, body, supplier_id)


@router.get("/supplier-payments", response_model=PaymentPage)
async def list_payments(
    _: PaymentViewer,
    status: PaymentStatus | None = None,
    supplier_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> PaymentPage:
    return await supplier_payments.list_payments(
        status, supplier_id, page=page, page_size=page_size
    )


@router.post("/supplier-payments", response_model=PaymentRead, status_code=201)
async def create_payment(body: PaymentCreate, principal: PaymentCreator) -> PaymentRead:
    """Written and submitted for approval (kind "payment") in one step."""
    return await supplier_payments.create_payment(principal, body)


@router.get("/supplier-payments/{payment_id}", response_model=PaymentRead)
async def get_payment(payment_id: Id, _: PaymentViewer) -> PaymentRead:
    return await supplier_payments.get_payment(payment_id)


@router.post("/supplier-payments/{payment_id}/pay", response_model=PaymentRead)
async def pay(payment_id: Id, body: PaymentPay, principal: PaymentPayer) -> PaymentRead:
    """Approved payments only; posts the payment to the journal (409 if the account is short)."""
    return await supplier_payments.pay(principal, payment_id, body)


@router.get("/supplier-payments/{payment_id}/proof", response_class=Response, responses=ProofFile)
async def payment_proof(payment_id: Id, _: PaymentViewer) -> Response:
    return _file(*await supplier_payments.payment_proof(payment_id))


@router.get("/report", response_model=FundReport)
async def fund_report(
    _: ReportViewer,
    date_from: date | None = None,
    date_to: date | None = None,
    account_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> FundReport:
    """The period defaults to this month up to today (Asia/Shanghai)."""
    start, end = report.period(date_from, date_to)
    return await report.fund_report(start, end, account_id)


@router.get(
    "/report/export",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}, "description": "The fund report"}},
)
async def export_report(
    principal: ReportExporter, date_from: date | None = None, date_to: date | None = None
) -> Response:
    start, end = report.period(date_from, date_to)
    content = await report.export_report(principal, start, end)
    return _file(content, XLSX_TYPE, f"资金报表-{start}-{end}.xlsx")


@router.get("/contracts/{contract_id}/plan", response_model=PlanRead)
async def get_plan(contract_id: Id, principal: ContractViewer) -> PlanRead:
    """回款计划: the contract's instalments with paid, pending and derived status."""
    return await plans.get_plan(principal, contract_id)


@router.post("/contracts/{contract_id}/plan/instalments", response_model=PlanRead, status_code=201)
async def add_instalment(
    contract_id: Id, body: InstalmentWrite, principal: ContractEditor
) -> PlanRead:
    return await plans.add_instalment(principal, contract_id, body)


@router.put("/contracts/{contract_id}/plan/instalments/{instalment_id}", response_model=PlanRead)
async def update_instalment(
    contract_id: Id, instalment_id: Id, body: InstalmentWrite, principal: ContractEditor
) -> PlanRead:
    return await plans.update_instalment(principal, contract_id, instalment_id, body)


@router.delete("/contracts/{contract_id}/plan/instalments/{instalment_id}", response_model=PlanRead)
async def delete_instalment(
    contract_id: Id, instalment_id: Id, principal: ContractEditor
) -> PlanRead:
    return await plans.delete_instalment(principal, contract_id, instalment_id)


@router.get("/plan-reminders", response_model=list[ReminderRead])
async def list_plan_reminders(
    principal: ContractViewer, mine: bool = False, day: date | None = None
) -> list[ReminderRead]:
    """即将到期 / 已逾期 instalments of a day (today by default) on contracts in scope."""
    return await receivables.list_reminders(principal, mine=mine, day=day)


@router.get("/aging", response_model=AgingReport)
async def aging(principal: ReceiptViewer) -> AgingReport:
    """应收账龄: outstanding instalments per customer in scope, by days overdue."""
    return await receivables.aging(principal)


@router.get(
    "/aging/export",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}, "description": "Receivables aging"}},
)
async def export_aging(principal: ReceiptViewer) -> Response:
    content, today = await receivables.export_aging(principal)
    return _file(content, XLSX_TYPE, f"应收账龄-{today}.xlsx")
