"""Members (minimal; the loyalty issue extends it): identities per channel and attribution."""

from tortoise import fields
from tortoise.models import Model


class Member(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, default="")
    phone = fields.CharField(max_length=32, null=True, unique=True)
    # Printed on the card and encoded in the till's scannable code; random, so not guessable.
    card_no = fields.CharField(max_length=16, null=True, unique=True)
    card_bound_at = fields.DatetimeField(null=True)
    # First touch is written once and kept forever; last touch follows every attributed scan.
    first_store_id = fields.IntField(null=True, db_index=True)
    first_guide_id = fields.IntField(null=True, db_index=True)
    first_channel = fields.CharField(max_length=64, default="")
    first_touch_at = fields.DatetimeField(null=True)
    last_store_id = fields.IntField(null=True)
    last_guide_id = fields.IntField(null=True)
    last_channel = fields.CharField(max_length=64, default="")
    last_touch_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "members_member"
        ordering = ("-id",)


class MemberIdentity(Model):
    """An openid is per appid; a unionid spans the brand's accounts (appid left empty)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="identities", on_delete=fields.CASCADE)
    member_id: int
    kind = fields.CharField(max_length=16)
    appid = fields.CharField(max_length=32, default="")
    value = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "members_identity"
        unique_together = (("kind", "appid", "value"),)


class MemberTouch(Model):
    """One attributed touch (follow or scan), unique per inbound event so a retry adds nothing."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="touches", on_delete=fields.CASCADE)
    member_id: int
    event_id = fields.BigIntField(unique=True)
    kind = fields.CharField(max_length=16)
    store_id = fields.IntField(null=True)
    guide_id = fields.IntField(null=True)
    channel = fields.CharField(max_length=64, default="")
    qrcode_id = fields.IntField(null=True)
    at = fields.DatetimeField()

    class Meta:
        table = "members_touch"
        ordering = ("-id",)


class CenterImage(Model):
    """An uploaded logo or banner picture, kept in PostgreSQL so every web process serves it."""

    id = fields.IntField(primary_key=True)
    content = fields.BinaryField()
    content_type = fields.CharField(max_length=16)
    sha256 = fields.CharField(max_length=64)
    width = fields.IntField()
    height = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "members_center_image"


class CenterTheme(Model):
    """The member center's look (one row, id 1): brand name, colour and logo."""

    id = fields.IntField(primary_key=True)
    brand_name = fields.CharField(max_length=32, default="会员中心")
    primary_color = fields.CharField(max_length=7, default="#07c160")
    logo: fields.ForeignKeyNullableRelation[CenterImage] = fields.ForeignKeyField(
        "members.CenterImage", related_name="themes", null=True, on_delete=fields.SET_NULL)
    logo_id: int | None
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "members_center_theme"


class CenterBanner(Model):
    """A slide of the home page carousel; the link is a relative path or an https URL."""

    id = fields.IntField(primary_key=True)
    image: fields.ForeignKeyRelation[CenterImage] = fields.ForeignKeyField(
        "members.CenterImage", related_name="banners", on_delete=fields.RESTRICT)
    image_id: int
    title = fields.CharField(max_length=32, default="")
    link = fields.CharField(max_length=255, default="")
    position = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "members_center_banner"
        ordering = ("position", "id")
