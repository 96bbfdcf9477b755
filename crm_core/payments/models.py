"""Fund accounts, the cash journal (出纳日记账, append-only), customer receipts (回款), suppliers
and supplier payments (付款). Money is integer fen everywhere."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from crm_core.customers.models import Customer
from crm_core.sales.contracts.models import Contract


class AccountKind(StrEnum):
    BANK = "bank"
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"


class JournalKind(StrEnum):
    OPENING = "opening"
    RECEIPT = "receipt"
    PAYMENT = "payment"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"


class ReceiptStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"


class Method(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    CHEQUE = "cheque"


class FundAccount(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(AccountKind, max_length=16)
    bank_name = fields.CharField(max_length=64, default="")
    account_number = fields.CharField(max_length=64, default="")
    opening_balance_fen = fields.BigIntField()
    # The opening entry's date; nothing may be dated before it.
    opened_on = fields.DateField()
    # Σ of the account's journal entries, moved only with an entry in the same transaction.
    balance_fen = fields.BigIntField()
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "payments_fund_account"
        ordering = ("id",)
        constraints = (
            CheckConstraint(check="balance_fen >= 0", name="payments_account_not_overdrawn"),
            CheckConstraint(check="opening_balance_fen >= 0", name="payments_opening_positive"),
        )


class JournalEntry(Model):
    """One money movement on one account. Never updated or deleted (a trigger refuses it);
    a correction is a reversal entry, and `reverses_id` is unique so nothing reverses twice."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[FundAccount] = fields.ForeignKeyField(
        "crm_core.FundAccount", related_name=False, on_delete=fields.RESTRICT
    )
    account_id: int
    kind = fields.CharEnumField(JournalKind, max_length=16)
    amount_fen = fields.BigIntField()
    balance_after_fen = fields.BigIntField()
    occurred_on = fields.DateField(db_index=True)
    summary = fields.CharField(max_length=128, default="")
    counterparty = fields.CharField(max_length=64, default="")
    receipt_id = fields.IntField(null=True, unique=True)
    payment_id = fields.IntField(null=True, unique=True)
    reverses_id = fields.BigIntField(null=True, unique=True)
    idempotency_key = fields.CharField(max_length=80, unique=True)
    request_hash = fields.CharField(max_length=64)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "payments_journal_entry"
        ordering = ("id",)
        indexes = (("account_id", "occurred_on"),)
        constraints = (
            CheckConstraint(check="balance_after_fen >= 0", name="payments_entry_not_overdrawn"),
            CheckConstraint(
                check="amount_fen <> 0 OR kind = 'opening'", name="payments_entry_moves_money"
            ),
        )


class Proof(Model):
    """An uploaded proof (image or PDF) on disk under the var dir; attached to one record."""

    id = fields.IntField(primary_key=True)
    path = fields.CharField(max_length=128, unique=True)
    filename = fields.CharField(max_length=128)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    uploaded_by_id = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "payments_proof"


class Receipt(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    customer_id: int
    # Filled once contracts land (issue 13): the contract and its payment-plan instalment.
    contract_id = fields.IntField(null=True, db_index=True)
    plan_id = fields.IntField(null=True)
    account: fields.ForeignKeyRelation[FundAccount] = fields.ForeignKeyField(
        "crm_core.FundAccount", related_name=False, on_delete=fields.RESTRICT
    )
    account_id: int
    amount_fen = fields.BigIntField()
    received_on = fields.DateField()
    method = fields.CharEnumField(Method, max_length=16)
    proof_id = fields.IntField(null=True, unique=True)
    note = fields.CharField(max_length=255, default="")
    status = fields.CharEnumField(ReceiptStatus, max_length=16, default=ReceiptStatus.PENDING)
    reject_reason = fields.CharField(max_length=255, default="")
    reviewed_by_id = fields.IntField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    idempotency_key = fields.CharField(max_length=80, unique=True)
    request_hash = fields.CharField(max_length=64)
    created_by_id = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "payments_receipt"
        ordering = ("-id",)
        constraints = (CheckConstraint(check="amount_fen > 0", name="payments_receipt_positive"),)


class Supplier(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    contact = fields.CharField(max_length=32, default="")
    phone = fields.CharField(max_length=32, default="")
    bank_name = fields.CharField(max_length=64, default="")
    bank_account = fields.CharField(max_length=64, default="")
    note = fields.CharField(max_length=255, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "payments_supplier"
        ordering = ("id",)


class SupplierPayment(Model):
    id = fields.IntField(primary_key=True)
    supplier: fields.ForeignKeyRelation[Supplier] = fields.ForeignKeyField(
        "crm_core.Supplier", related_name=False, on_delete=fields.RESTRICT
    )
    supplier_id: int
    account: fields.ForeignKeyRelation[FundAccount] = fields.ForeignKeyField(
        "crm_core.FundAccount", related_name=False, on_delete=fields.RESTRICT
    )
    account_id: int
    amount_fen = fields.BigIntField()
    due_on = fields.DateField()
    purpose = fields.CharField(max_length=128)
    proof_id = fields.IntField(null=True, unique=True)
    status = fields.CharEnumField(PaymentStatus, max_length=16, default=PaymentStatus.PENDING)
    approval_id = fields.IntField(null=True)
    paid_on = fields.DateField(null=True)
    paid_by_id = fields.IntField(null=True)
    idempotency_key = fields.CharField(max_length=80, unique=True)
    request_hash = fields.CharField(max_length=64)
    # The requester: the data scope of payments follows them.
    created_by_id = fields.IntField(db_index=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "payments_supplier_payment"
        ordering = ("-id",)
        constraints = (CheckConstraint(check="amount_fen > 0", name="payments_payment_positive"),)


class Instalment(Model):
    """One instalment of a contract's payment plan (回款计划). Its number (第 N 期) is its place
    by due date; paid and status are derived from the confirmed receipts that name it."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "crm_core.Contract", related_name=False, on_delete=fields.RESTRICT
    )
    contract_id: int
    due_on = fields.DateField()
    amount_fen = fields.BigIntField()
    note = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "payments_instalment"
        ordering = ("due_on", "id")
        indexes = (("contract_id", "due_on"),)
        constraints = (
            CheckConstraint(check="amount_fen > 0", name="payments_instalment_positive"),
        )


class ReminderKind(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class PlanReminder(Model):
    """A reminder the daily beat recorded for an unpaid instalment: one per instalment per day."""

    id = fields.IntField(primary_key=True)
    instalment: fields.ForeignKeyRelation[Instalment] = fields.ForeignKeyField(
        "crm_core.Instalment", related_name=False, on_delete=fields.CASCADE
    )
    instalment_id: int
    contract_id = fields.IntField()
    owner_id = fields.IntField(db_index=True)
    kind = fields.CharEnumField(ReminderKind, max_length=16)
    day = fields.DateField()
    due_on = fields.DateField()
    outstanding_fen = fields.BigIntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "payments_plan_reminder"
        ordering = ("-day", "due_on", "id")
        unique_together = (("instalment_id", "day"),)
