"""Big-wheel activities, prizes with stock, the append-only draw log, and awards to fulfil."""

from datetime import date, datetime
from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from loyalty.coupons.models import CouponTemplate
from members.models import Member


class Skin(StrEnum):
    CLASSIC = "classic"
    FESTIVAL = "festival"
    OCEAN = "ocean"
    GOLD = "gold"


class PrizeKind(StrEnum):
    PHYSICAL = "physical"
    RED_PACKET = "red_packet"
    POINTS = "points"
    COUPON = "coupon"
    NONE = "none"


class Activity(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    skin = fields.CharEnumField(Skin, max_length=16, default=Skin.CLASSIC)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    free_draws_per_day = fields.IntField(default=1)
    # 0: no paid draws once the free ones are used.
    points_per_draw = fields.IntField(default=0)
    max_draws_per_day = fields.IntField(null=True)
    max_draws_total = fields.IntField(null=True)
    max_wins = fields.IntField(null=True)
    rules_text = fields.TextField(default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loyalty_lottery_activity"
        ordering = ("-id",)


class Prize(Model):
    id = fields.IntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "loyalty.Activity", related_name="prizes", on_delete=fields.CASCADE
    )
    activity_id: int
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(PrizeKind, max_length=16)
    # Integer weights; the chance of a prize is weight / sum of the activity's weights.
    weight = fields.IntField()
    stock = fields.IntField(null=True)
    stock_total = fields.IntField(null=True)
    points = fields.IntField(default=0)
    red_packet_fen = fields.IntField(default=0)
    coupon_template: fields.ForeignKeyNullableRelation[CouponTemplate] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name="prizes", null=True, on_delete=fields.RESTRICT
    )
    coupon_template_id: int | None
    position = fields.IntField(default=0)

    class Meta:
        table = "loyalty_lottery_prize"
        ordering = ("position", "id")
        constraints = (
            CheckConstraint(check="weight >= 0", name="loyalty_prize_weight_nonneg"),
            CheckConstraint(check="stock IS NULL OR stock >= 0", name="loyalty_prize_stock_nonneg"),
        )


class DrawOutcome(StrEnum):
    WIN = "win"
    NONE = "none"
    OUT_OF_STOCK = "out_of_stock"
    WIN_LIMIT = "win_limit"


class Draw(Model):
    """One spin, append-only: enough to recompute win rates per day and prize."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "loyalty.Activity", related_name="draws", on_delete=fields.RESTRICT
    )
    activity_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="draws", on_delete=fields.RESTRICT
    )
    member_id: int
    day: date = fields.DateField()  # type: ignore[assignment]
    seq = fields.IntField()
    idempotency_key = fields.CharField(max_length=128, unique=True)
    rng_value = fields.BigIntField()
    total_weight = fields.BigIntField()
    config_hash = fields.CharField(max_length=64)
    picked_prize_id = fields.IntField(null=True)
    prize_id = fields.IntField(null=True)
    outcome = fields.CharEnumField(DrawOutcome, max_length=16)
    stock_before = fields.IntField(null=True)
    cost_points = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "loyalty_lottery_draw"
        unique_together = (("activity", "member", "day", "seq"),)
        indexes = (("activity_id", "day"),)


class AwardStatus(StrEnum):
    GRANTED = "granted"
    AWAITING_ADDRESS = "awaiting_address"
    AWAITING_SHIPMENT = "awaiting_shipment"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    PENDING_PAYOUT = "pending_payout"


class Award(Model):
    id = fields.IntField(primary_key=True)
    draw: fields.OneToOneRelation[Draw] = fields.OneToOneField(
        "loyalty.Draw", related_name="award", on_delete=fields.RESTRICT
    )
    draw_id: int
    activity_id = fields.IntField()
    member_id = fields.IntField()
    prize: fields.ForeignKeyRelation[Prize] = fields.ForeignKeyField(
        "loyalty.Prize", related_name="awards", on_delete=fields.RESTRICT
    )
    prize_id: int
    # The n-th win of this member in this activity: a backstop for max_wins.
    win_seq = fields.IntField()
    status = fields.CharEnumField(AwardStatus, max_length=20)
    recipient = fields.CharField(max_length=32, default="")
    phone = fields.CharField(max_length=32, default="")
    address = fields.CharField(max_length=255, default="")
    tracking_no = fields.CharField(max_length=64, default="")
    coupon_id = fields.IntField(null=True)
    points_entry_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()
    updated_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "loyalty_lottery_award"
        ordering = ("-id",)
        unique_together = (("activity_id", "member_id", "win_seq"),)
