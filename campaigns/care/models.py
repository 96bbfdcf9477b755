"""Care messages: per care type what is sent, and the festival calendar."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CareType(StrEnum):
    WELCOME = "welcome"
    CARD_BOUND = "card_bound"
    TIER_UP = "tier_up"
    TIER_DOWN = "tier_down"
    POINTS_CHANGED = "points_changed"
    PURCHASE = "purchase"
    COUPON_ISSUED = "coupon_issued"
    COUPON_EXPIRING = "coupon_expiring"
    BIRTHDAY = "birthday"
    FESTIVAL = "festival"


class CareSetting(Model):
    """A type without a row is off; the router picks the channel among those filled in."""

    id = fields.IntField(primary_key=True)
    care_type = fields.CharEnumField(CareType, max_length=20, unique=True)
    enabled = fields.BooleanField(default=False)
    text = fields.TextField(default="")
    template_id = fields.CharField(max_length=64, default="")
    # WeChat template keyword -> text with placeholders, e.g. {"thing1": "{name}"}
    template_fields: dict[str, str] = fields.JSONField(default=dict)  # type: ignore[assignment]
    template_url = fields.CharField(max_length=255, default="")
    sms = fields.CharField(max_length=300, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "campaigns_care_setting"


class Festival(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    calendar = fields.CharField(max_length=8)  # "solar" or "lunar"
    month = fields.SmallIntField()
    day = fields.SmallIntField()
    enabled = fields.BooleanField(default=True)

    class Meta:
        table = "campaigns_festival"
        ordering = ("id",)
