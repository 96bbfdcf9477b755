"""Points-mall items with stock and per-member limits, and exchange orders to fulfil."""

from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from loyalty.coupons.models import CouponTemplate
from members.models import Member


class ItemKind(StrEnum):
    PHYSICAL = "physical"
    COUPON = "coupon"
    RED_PACKET = "red_packet"


class MallItem(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(ItemKind, max_length=16)
    description = fields.TextField(default="")
    image_url = fields.CharField(max_length=255, default="")
    points_price = fields.IntField()
    stock = fields.IntField()
    per_member_limit = fields.IntField(null=True)
    coupon_template: fields.ForeignKeyNullableRelation[CouponTemplate] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name="mall_items", null=True, on_delete=fields.RESTRICT
    )
    coupon_template_id: int | None
    red_packet_fen = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loyalty_mall_item"
        ordering = ("-id",)
        constraints = (
            CheckConstraint(check="stock >= 0", name="loyalty_mall_item_stock_nonneg"),
            CheckConstraint(check="points_price > 0", name="loyalty_mall_item_price_positive"),
        )


class ExchangeStatus(StrEnum):
    AWAITING_SHIPMENT = "awaiting_shipment"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    PENDING_PAYOUT = "pending_payout"


class MallOrder(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[MallItem] = fields.ForeignKeyField(
        "loyalty.MallItem", related_name="orders", on_delete=fields.RESTRICT
    )
    item_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="mall_orders", on_delete=fields.RESTRICT
    )
    member_id: int
    seq = fields.IntField()
    idempotency_key = fields.CharField(max_length=128, unique=True)
    points = fields.IntField()
    points_entry_id = fields.BigIntField()
    coupon_id = fields.IntField(null=True)
    status = fields.CharEnumField(ExchangeStatus, max_length=20)
    recipient = fields.CharField(max_length=32, default="")
    phone = fields.CharField(max_length=32, default="")
    address = fields.CharField(max_length=255, default="")
    tracking_no = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    updated_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "loyalty_mall_order"
        ordering = ("-id",)
        unique_together = (("item", "member", "seq"),)
