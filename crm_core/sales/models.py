"""Sales orders from tills and shops, with their lines and refunds (money in integer fen)."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from crm_core.org.models import Store


class OrderStatus(StrEnum):
    PAID = "paid"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"


class SalesOrder(Model):
    id = fields.IntField(primary_key=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField(
        "crm_core.Store", related_name="orders", on_delete=fields.RESTRICT
    )
    store_id: int
    order_no = fields.CharField(max_length=64)
    # A plain id: members sits above crm_core, so the kernel cannot name its model.
    member_id = fields.IntField(null=True, db_index=True)
    total_fen = fields.BigIntField()
    refunded_fen = fields.BigIntField(default=0)
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.PAID)
    paid_at = fields.DatetimeField()
    request_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    lines: fields.ReverseRelation["SalesOrderLine"]

    class Meta:
        table = "sales_order"
        unique_together = (("store", "order_no"),)
        ordering = ("-id",)
        constraints = (
            CheckConstraint(check="total_fen >= 0", name="sales_order_total_nonneg"),
            CheckConstraint(
                check="refunded_fen >= 0 AND refunded_fen <= total_fen",
                name="sales_order_refund_within_total",
            ),
        )


class SalesOrderLine(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[SalesOrder] = fields.ForeignKeyField(
        "crm_core.SalesOrder", related_name="lines", on_delete=fields.CASCADE
    )
    order_id: int
    product_code = fields.CharField(max_length=64)
    product_name = fields.CharField(max_length=128, default="")
    quantity = fields.IntField()
    unit_price_fen = fields.BigIntField()
    amount_fen = fields.BigIntField()

    class Meta:
        table = "sales_order_line"
        ordering = ("id",)


class SalesRefund(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[SalesOrder] = fields.ForeignKeyField(
        "crm_core.SalesOrder", related_name="refunds", on_delete=fields.RESTRICT
    )
    order_id: int
    refund_no = fields.CharField(max_length=64)
    amount_fen = fields.BigIntField()
    refunded_at = fields.DatetimeField()
    request_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "sales_refund"
        unique_together = (("order", "refund_no"),)
        ordering = ("id",)
        constraints = (CheckConstraint(check="amount_fen > 0", name="sales_refund_positive"),)
