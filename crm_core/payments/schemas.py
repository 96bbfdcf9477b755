"""Pydantic I/O of fund accounts, the journal, receipts, suppliers, payments and the report."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm_core.payments.models import (
    AccountKind,
    JournalKind,
    Method,
    PaymentStatus,
    ReceiptStatus,
    ReminderKind,
)
from crm_core.validation import Id

MAX_FEN = 10**13
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,64}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FundAccountCreate(Input):
    name: Name
    kind: AccountKind
    bank_name: str = Field("", max_length=64)
    account_number: str = Field("", max_length=64)
    opening_balance_fen: int = Field(0, ge=0, le=MAX_FEN)
    opened_on: date


class FundAccountUpdate(Input):
    name: Name
    bank_name: str = Field("", max_length=64)
    account_number: str = Field("", max_length=64)
    is_active: bool


class FundAccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: AccountKind
    bank_name: str
    account_number: str
    opening_balance_fen: int
    balance_fen: int
    opened_on: date
    is_active: bool
    created_at: datetime


class FundAccountOption(BaseModel):
    """An account as a receipt form offers it: no balance (sales record receipts, not money)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: AccountKind


class JournalEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: int
    account_name: str = ""
    kind: JournalKind
    amount_fen: int
    balance_after_fen: int
    occurred_on: date
    summary: str
    counterparty: str
    receipt_id: int | None
    payment_id: int | None
    reverses_id: int | None
    reversed: bool = False
    created_at: datetime


class JournalEntryPage(BaseModel):
    items: list[JournalEntryRead]
    total: int
    page: int
    page_size: int


class JournalAdjustment(Input):
    account_id: Id
    amount_fen: int = Field(ge=-MAX_FEN, le=MAX_FEN)
    occurred_on: date
    reason: Reason
    idempotency_key: Key


class JournalTransfer(Input):
    from_account_id: Id
    to_account_id: Id
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    occurred_on: date
    summary: str = Field("", max_length=128)
    idempotency_key: Key


class JournalTransferRead(BaseModel):
    out_entry: JournalEntryRead
    in_entry: JournalEntryRead


class JournalReversal(Input):
    reason: Reason
    idempotency_key: Key


class ProofRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size: int


class ReceiptCreate(Input):
    customer_id: Id
    account_id: Id
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    received_on: date
    method: Method
    proof_id: Id | None = None
    note: str = Field("", max_length=255)
    # 回款计划: the contract (of this customer, in the caller's scope) and its instalment.
    contract_id: Id | None = None
    plan_id: Id | None = None
    idempotency_key: Key


class Rejection(Input):
    reason: Reason


class ReceiptRead(BaseModel):
    id: int
    customer_id: int
    customer_name: str
    customer_phone: str
    owner_name: str
    contract_id: int | None
    contract_number: str
    plan_id: int | None
    account_id: int
    account_name: str
    amount_fen: int
    received_on: date
    method: Method
    proof: ProofRead | None
    note: str
    status: ReceiptStatus
    reject_reason: str
    reviewed_at: datetime | None
    entry_id: int | None
    created_by_name: str
    created_at: datetime


class ReceiptPage(BaseModel):
    items: list[ReceiptRead]
    total: int
    page: int
    page_size: int


class SupplierWrite(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    contact: str = Field("", max_length=32)
    phone: str = Field("", max_length=32)
    bank_name: str = Field("", max_length=64)
    bank_account: str = Field("", max_length=64)
    note: str = Field("", max_length=255)
    is_active: bool = True


class SupplierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    contact: str
    phone: str
    bank_name: str
    bank_account: str
    note: str
    is_active: bool


class PaymentCreate(Input):
    supplier_id: Id
    account_id: Id
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    due_on: date
    purpose: Reason
    proof_id: Id | None = None
    idempotency_key: Key


class PaymentPay(Input):
    paid_on: date


class PaymentRead(BaseModel):
    id: int
    supplier_id: int
    supplier_name: str
    account_id: int
    account_name: str
    amount_fen: int
    due_on: date
    purpose: str
    proof: ProofRead | None
    status: PaymentStatus
    approval_id: int | None
    paid_on: date | None
    entry_id: int | None
    created_by_name: str
    created_at: datetime


class PaymentPage(BaseModel):
    items: list[PaymentRead]
    total: int
    page: int
    page_size: int


class AccountSummary(BaseModel):
    account_id: int
    account_name: str
    kind: AccountKind | None
    opening_fen: int
    in_fen: int
    out_fen: int
    closing_fen: int


class DayFigure(BaseModel):
    day: date
    in_fen: int
    out_fen: int
    closing_fen: int


class FundReport(BaseModel):
    date_from: date
    date_to: date
    accounts: list[AccountSummary]
    total: AccountSummary
    days: list[DayFigure]


class Receivable(BaseModel):
    customer_id: int
    customer_name: str
    customer_phone: str
    owner_name: str
    received_fen: int
    confirmed_fen: int
    pending_fen: int
    count: int


class ReceivablePage(BaseModel):
    items: list[Receivable]
    total: int


InstalmentStatus = Literal["not_due", "partial", "paid", "overdue"]


class InstalmentWrite(Input):
    due_on: date
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    note: str = Field("", max_length=128)


class InstalmentRead(BaseModel):
    id: int
    seq: int
    due_on: date
    amount_fen: int
    note: str
    paid_fen: int
    pending_fen: int
    status: InstalmentStatus


class PlanRead(BaseModel):
    contract_id: int
    contract_number: str
    customer_id: int
    contract_amount_fen: int
    planned_fen: int
    paid_fen: int
    pending_fen: int
    # Contract amount − confirmed − pending: what a new receipt may still bring.
    remaining_fen: int
    editable: bool
    instalments: list[InstalmentRead]


class ReminderRead(BaseModel):
    id: int
    kind: ReminderKind
    day: date
    due_on: date
    outstanding_fen: int
    contract_id: int
    contract_number: str
    customer_name: str
    instalment_id: int


class AgingRow(BaseModel):
    customer_id: int
    customer_name: str
    customer_phone: str
    owner_name: str
    # 未到期, 1–30, 31–60, 61–90, >90 days overdue: outstanding fen per bucket.
    buckets: list[int]
    total_fen: int


class AgingReport(BaseModel):
    as_of: date
    labels: list[str]
    items: list[AgingRow]
    totals: list[int]
    total_fen: int
