"""Quotes to customers: lines priced from the catalogue, totals in integer fen, a number per
prefix and year, and the one print template admins edit."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from crm_core.catalog.models import Sku
from crm_core.customers.models import Customer


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"


class Quote(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    customer_id: int
    owner_id = fields.IntField(db_index=True)
    department_id = fields.IntField(null=True, db_index=True)
    status = fields.CharEnumField(QuoteStatus, max_length=16, default=QuoteStatus.DRAFT)
    valid_until = fields.DateField()
    subtotal_fen = fields.BigIntField()
    discount_fen = fields.BigIntField(default=0)
    total_fen = fields.BigIntField()
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    lines: fields.ReverseRelation["QuoteLine"]

    class Meta:
        table = "sales_quote"
        ordering = ("-id",)
        constraints = (
            CheckConstraint(
                check="discount_fen >= 0 AND discount_fen <= subtotal_fen",
                name="sales_quote_discount_within_subtotal",
            ),
            CheckConstraint(
                check="total_fen = subtotal_fen - discount_fen", name="sales_quote_total"
            ),
        )


class QuoteLine(Model):
    id = fields.IntField(primary_key=True)
    quote: fields.ForeignKeyRelation[Quote] = fields.ForeignKeyField(
        "crm_core.Quote", related_name="lines", on_delete=fields.CASCADE
    )
    quote_id: int
    sku: fields.ForeignKeyRelation[Sku] = fields.ForeignKeyField(
        "crm_core.Sku", related_name=False, on_delete=fields.RESTRICT
    )
    sku_id: int
    # What the customer was quoted, kept as it was when the line was written.
    sku_code = fields.CharField(max_length=64)
    product_name = fields.CharField(max_length=64)
    spec = fields.CharField(max_length=64, default="")
    unit = fields.CharField(max_length=8)
    quantity = fields.IntField()
    unit_price_fen = fields.BigIntField()
    discount_bp = fields.IntField(default=0)
    amount_fen = fields.BigIntField()

    class Meta:
        table = "sales_quote_line"
        ordering = ("id",)
        constraints = (
            CheckConstraint(check="quantity > 0", name="sales_quote_line_quantity_positive"),
            CheckConstraint(
                check="discount_bp >= 0 AND discount_bp <= 10000",
                name="sales_quote_line_discount_range",
            ),
        )


class QuoteCounter(Model):
    """The last number drawn per prefix and year; bumped by an upsert in the quote's own
    transaction, so numbers never repeat and a rolled-back quote leaves no gap."""

    id = fields.IntField(primary_key=True)
    prefix = fields.CharField(max_length=8)
    year = fields.IntField()
    last_sequence = fields.IntField()

    class Meta:
        table = "sales_quote_counter"
        unique_together = (("prefix", "year"),)


class QuoteTemplate(Model):
    """The print template: structured fields only, never code (one row, id 1)."""

    id = fields.IntField(primary_key=True)
    number_prefix = fields.CharField(max_length=8, default="BJ")
    title = fields.CharField(max_length=32, default="报价单")
    company_name = fields.CharField(max_length=64, default="")
    company_address = fields.CharField(max_length=128, default="")
    company_phone = fields.CharField(max_length=32, default="")
    header_note = fields.CharField(max_length=500, default="")
    footer_note = fields.CharField(max_length=500, default="")
    terms = fields.TextField(default="")
    columns: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sales_quote_template"
