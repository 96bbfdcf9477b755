"""The loyalty programme's configuration: earn rules, expiry, lifecycle thresholds and tiers."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model


class TierBasis(StrEnum):
    POINTS = "points"
    SPEND = "spend"


class Program(Model):
    """One row (id 1). Points are integers; percentages are integer percent (150 = 1.5×)."""

    id = fields.IntField(primary_key=True)
    points_per_yuan = fields.IntField(default=1)
    follow_points = fields.IntField(default=0)
    checkin_points = fields.IntField(default=5)
    profile_points = fields.IntField(default=20)
    review_points = fields.IntField(default=10)
    invite_points = fields.IntField(default=50)
    # 0 means points never expire.
    points_validity_days = fields.IntField(default=365)
    tier_basis = fields.CharEnumField(TierBasis, max_length=8, default=TierBasis.POINTS)
    tier_window_days = fields.IntField(default=365)
    new_days = fields.IntField(default=30)
    dormant_days = fields.IntField(default=90)
    churned_days = fields.IntField(default=180)
    coupon_expiring_notice_days = fields.IntField(default=3)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "loyalty_program"


class Tier(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=32)
    rank = fields.IntField(unique=True)
    # Minimum points earned (or net spend in fen) inside the rolling window.
    threshold = fields.BigIntField(default=0)
    multiplier_percent = fields.IntField(default=100)
    discount_percent = fields.IntField(default=100)
    birthday_points = fields.IntField(default=0)
    birthday_coupon_template_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loyalty_tier"
        ordering = ("rank",)
        constraints = (
            CheckConstraint(check="threshold >= 0", name="loyalty_tier_threshold_nonneg"),
            CheckConstraint(
                check="multiplier_percent BETWEEN 0 AND 1000", name="loyalty_tier_multiplier_range"
            ),
            CheckConstraint(
                check="discount_percent BETWEEN 1 AND 100", name="loyalty_tier_discount_range"
            ),
        )
