"""Coupon templates and the coupons issued from them (our own; the WeChat card API is gone)."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from members.models import Member


class CouponKind(StrEnum):
    AMOUNT_OFF = "amount_off"
    DISCOUNT = "discount"
    GIFT = "gift"


class CouponStatus(StrEnum):
    UNUSED = "unused"
    USED = "used"
    EXPIRED = "expired"


class CouponSource(StrEnum):
    HAND = "hand"
    RULE = "rule"
    CAMPAIGN = "campaign"
    CLAIM = "claim"
    FOLLOW = "follow"
    CHECKIN = "checkin"
    LOTTERY = "lottery"
    MALL = "mall"
    BIRTHDAY = "birthday"


class CouponTemplate(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(CouponKind, max_length=16)
    amount_off_fen = fields.BigIntField(default=0)
    discount_percent = fields.IntField(default=100)
    gift_name = fields.CharField(max_length=64, default="")
    threshold_fen = fields.BigIntField(default=0)
    # Either a fixed window or a number of days from issue.
    valid_from: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    valid_until: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    valid_days = fields.IntField(null=True)
    # None means unlimited; otherwise what is left to issue.
    stock = fields.IntField(null=True)
    stock_total = fields.IntField(null=True)
    per_member_limit = fields.IntField(default=1)
    store_ids: list[Any] = fields.JSONField(default=list)  # type: ignore[assignment]
    claimable = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loyalty_coupon_template"
        ordering = ("-id",)
        constraints = (
            CheckConstraint(
                check="stock IS NULL OR stock >= 0", name="loyalty_coupon_template_stock_nonneg"
            ),
            CheckConstraint(
                check="per_member_limit >= 1", name="loyalty_coupon_template_limit_positive"
            ),
        )


class Coupon(Model):
    id = fields.IntField(primary_key=True)
    template: fields.ForeignKeyRelation[CouponTemplate] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name="coupons", on_delete=fields.RESTRICT
    )
    template_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="coupons", on_delete=fields.RESTRICT
    )
    member_id: int
    # The n-th coupon of this template for this member: a backstop for the per-member limit.
    seq = fields.IntField()
    code = fields.CharField(max_length=32, unique=True)
    status = fields.CharEnumField(CouponStatus, max_length=8, default=CouponStatus.UNUSED)
    source = fields.CharEnumField(CouponSource, max_length=16)
    issue_key = fields.CharField(max_length=128, unique=True)
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField(db_index=True)
    issued_at = fields.DatetimeField()
    used_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    used_store_id = fields.IntField(null=True)
    used_order_no = fields.CharField(max_length=64, default="")
    verified_by_id = fields.IntField(null=True)
    expiring_notified_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "loyalty_coupon"
        ordering = ("-id",)
        unique_together = (("template", "member", "seq"),)
        indexes = (("member_id", "status"),)
