"""B2B orders drawn from a contract (seed 2.1.7: product, contract and payment proof, then
review) and their delivery notes. The retail till order is crm_core.sales.models.SalesOrder."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from crm_core.customers.models import Customer
from crm_core.sales.contracts.models import Contract, ContractLine


class ContractOrderStatus(StrEnum):
    REVIEWING = "reviewing"
    REJECTED = "rejected"
    TO_DELIVER = "to_deliver"
    PARTIAL = "partial"
    DELIVERED = "delivered"


class ContractOrder(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "crm_core.Contract", related_name=False, on_delete=fields.RESTRICT
    )
    contract_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    customer_id: int
    owner_id = fields.IntField(db_index=True)
    department_id = fields.IntField(null=True, db_index=True)
    status = fields.CharEnumField(
        ContractOrderStatus, max_length=16, default=ContractOrderStatus.REVIEWING
    )
    amount_fen = fields.BigIntField()
    note = fields.CharField(max_length=500, default="")
    # The customer's payment proof (客户打款凭证), kept by crm_core.storage.
    proof_name = fields.CharField(max_length=128)
    proof_content_type = fields.CharField(max_length=64)
    proof_size = fields.IntField()
    proof_sha256 = fields.CharField(max_length=64)
    proof_key = fields.CharField(max_length=128, unique=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "sales_contract_order"
        ordering = ("-id",)


class ContractOrderLine(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[ContractOrder] = fields.ForeignKeyField(
        "crm_core.ContractOrder", related_name="lines", on_delete=fields.CASCADE
    )
    order_id: int
    contract_line: fields.ForeignKeyRelation[ContractLine] = fields.ForeignKeyField(
        "crm_core.ContractLine", related_name=False, on_delete=fields.RESTRICT
    )
    contract_line_id: int
    sku_code = fields.CharField(max_length=64)
    product_name = fields.CharField(max_length=64)
    unit = fields.CharField(max_length=8)
    quantity = fields.IntField()
    unit_price_fen = fields.BigIntField()
    amount_fen = fields.BigIntField()
    # Raised only under the order's row lock; the check is the last line of defence.
    delivered_quantity = fields.IntField(default=0)

    class Meta:
        table = "sales_contract_order_line"
        ordering = ("id",)
        constraints = (
            CheckConstraint(check="quantity > 0", name="sales_contract_order_line_quantity"),
            CheckConstraint(
                check="delivered_quantity >= 0 AND delivered_quantity <= quantity",
                name="sales_contract_order_line_delivered_within_ordered",
            ),
        )


class DeliveryNote(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    order: fields.ForeignKeyRelation[ContractOrder] = fields.ForeignKeyField(
        "crm_core.ContractOrder", related_name="deliveries", on_delete=fields.RESTRICT
    )
    order_id: int
    shipped_on = fields.DateField()
    carrier = fields.CharField(max_length=64, default="")
    tracking_number = fields.CharField(max_length=64, default="")
    note = fields.CharField(max_length=500, default="")
    created_by_id = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "sales_delivery_note"
        ordering = ("id",)


class DeliveryLine(Model):
    id = fields.IntField(primary_key=True)
    note: fields.ForeignKeyRelation[DeliveryNote] = fields.ForeignKeyField(
        "crm_core.DeliveryNote", related_name="lines", on_delete=fields.CASCADE
    )
    note_id: int
    order_line: fields.ForeignKeyRelation[ContractOrderLine] = fields.ForeignKeyField(
        "crm_core.ContractOrderLine", related_name=False, on_delete=fields.RESTRICT
    )
    order_line_id: int
    quantity = fields.IntField()

    class Meta:
        table = "sales_delivery_line"
        ordering = ("id",)
        constraints = (
            CheckConstraint(check="quantity > 0", name="sales_delivery_line_quantity_positive"),
        )
