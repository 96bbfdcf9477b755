"""Contracts with customers: lines from the catalogue (or copied from a quote), the amount in
integer fen, a number per year, scans and PDFs as attachments, and a lifecycle after review."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from crm_core.catalog.models import Sku
from crm_core.customers.models import Customer


class ContractStatus(StrEnum):
    # "Under review" (审核中) is not stored: it is a draft the approval engine has locked.
    DRAFT = "draft"
    APPROVED = "approved"
    SIGNED = "signed"
    EXECUTING = "executing"
    COMPLETED = "completed"
    VOID = "void"


class Contract(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    title = fields.CharField(max_length=64)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    customer_id: int
    opportunity_id = fields.IntField(null=True)
    quote_id = fields.IntField(null=True)
    owner_id = fields.IntField(db_index=True)
    department_id = fields.IntField(null=True, db_index=True)
    status = fields.CharEnumField(ContractStatus, max_length=16, default=ContractStatus.DRAFT)
    subtotal_fen = fields.BigIntField()
    discount_fen = fields.BigIntField(default=0)
    amount_fen = fields.BigIntField()
    sign_date = fields.DateField(null=True)
    start_date = fields.DateField(null=True)
    end_date = fields.DateField(null=True)
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "sales_contract"
        ordering = ("-id",)
        constraints = (
            CheckConstraint(
                check="discount_fen >= 0 AND discount_fen <= subtotal_fen",
                name="sales_contract_discount_within_subtotal",
            ),
            CheckConstraint(
                check="amount_fen = subtotal_fen - discount_fen", name="sales_contract_amount"
            ),
            CheckConstraint(
                check="end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                name="sales_contract_period",
            ),
        )


class ContractLine(Model):
    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "crm_core.Contract", related_name="lines", on_delete=fields.CASCADE
    )
    contract_id: int
    sku: fields.ForeignKeyRelation[Sku] = fields.ForeignKeyField(
        "crm_core.Sku", related_name=False, on_delete=fields.RESTRICT
    )
    sku_id: int
    sku_code = fields.CharField(max_length=64)
    product_name = fields.CharField(max_length=64)
    spec = fields.CharField(max_length=64, default="")
    unit = fields.CharField(max_length=8)
    quantity = fields.IntField()
    unit_price_fen = fields.BigIntField()
    discount_bp = fields.IntField(default=0)
    amount_fen = fields.BigIntField()

    class Meta:
        table = "sales_contract_line"
        ordering = ("id",)
        constraints = (
            CheckConstraint(check="quantity > 0", name="sales_contract_line_quantity_positive"),
            CheckConstraint(
                check="discount_bp >= 0 AND discount_bp <= 10000",
                name="sales_contract_line_discount_range",
            ),
        )


class ContractAttachment(Model):
    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "crm_core.Contract", related_name="attachments", on_delete=fields.RESTRICT
    )
    contract_id: int
    name = fields.CharField(max_length=128)
    content_type = fields.CharField(max_length=64)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    # Where crm_core.storage keeps the bytes; never shown to clients.
    storage_key = fields.CharField(max_length=128, unique=True)
    uploaded_by_id = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "sales_contract_attachment"
        ordering = ("id",)


class DocumentCounter(Model):
    """The last number drawn per prefix and year for contracts (HT), B2B orders (DD) and
    delivery notes (FH); bumped by an upsert in the document's own transaction."""

    id = fields.IntField(primary_key=True)
    prefix = fields.CharField(max_length=8)
    year = fields.IntField()
    last_sequence = fields.IntField()

    class Meta:
        table = "sales_document_counter"
        unique_together = (("prefix", "year"),)
