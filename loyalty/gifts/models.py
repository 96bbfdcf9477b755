"""Follow gifts (关注有礼) per QR code or channel, granted once per person ever."""

from tortoise import fields
from tortoise.models import Model

from loyalty.coupons.models import CouponTemplate
from members.models import Member


class FollowGift(Model):
    """qrcode_id set: that code; channel set: that channel; neither: the default gift."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    qrcode_id = fields.IntField(null=True, db_index=True)
    channel = fields.CharField(max_length=64, default="", db_index=True)
    points = fields.IntField(default=0)
    coupon_template: fields.ForeignKeyNullableRelation[CouponTemplate] = fields.ForeignKeyField(
        "loyalty.CouponTemplate", related_name="follow_gifts", null=True, on_delete=fields.RESTRICT
    )
    coupon_template_id: int | None
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loyalty_follow_gift"
        ordering = ("-id",)


class FollowGiftGrant(Model):
    id = fields.IntField(primary_key=True)
    # Unique: one follow gift per member, whichever code or account they follow again.
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "members.Member", related_name="follow_gift_grant", on_delete=fields.RESTRICT
    )
    member_id: int
    gift: fields.ForeignKeyRelation[FollowGift] = fields.ForeignKeyField(
        "loyalty.FollowGift", related_name="grants", on_delete=fields.RESTRICT
    )
    gift_id: int
    qrcode_id = fields.IntField(null=True)
    channel = fields.CharField(max_length=64, default="")
    points_entry_id = fields.BigIntField(null=True)
    coupon_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "loyalty_follow_gift_grant"
