"""Daily check-ins and the streak rewards they unlock."""

from datetime import date

from tortoise import fields
from tortoise.models import Model

from loyalty.coupons.models import CouponTemplate
from members.models import Member


class StreakReward(Model):
    id = fields.IntField(primary_key=True)
    streak_days = fields.IntField(unique=True)
    points = fields.IntField(default=0)
    coupon_template: fields.ForeignKeyNullableRelation[CouponTemplate] = fields.ForeignKeyField(
        "loyalty.CouponTemplate",
        related_name="streak_rewards",
        null=True,
        on_delete=fields.RESTRICT,
    )
    coupon_template_id: int | None
    red_packet_fen = fields.IntField(default=0)

    class Meta:
        table = "loyalty_streak_reward"
        ordering = ("streak_days",)


class Checkin(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="checkins", on_delete=fields.RESTRICT
    )
    member_id: int
    day: date = fields.DateField()  # type: ignore[assignment]
    streak = fields.IntField()
    points = fields.IntField(default=0)
    coupon_id = fields.IntField(null=True)
    red_packet_fen = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "loyalty_checkin"
        unique_together = (("member", "day"),)
        ordering = ("-day",)
