"""Members: identities per channel, attribution, profile (资料), merges (one person, one member)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Gender(StrEnum):
    UNKNOWN = ""
    MALE = "male"
    FEMALE = "female"


class Calendar(StrEnum):
    SOLAR = "solar"
    LUNAR = "lunar"


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
    gender = fields.CharEnumField(Gender, max_length=8, default=Gender.UNKNOWN)
    # The solar date of birth; for a lunar birthday also the lunar month and day as given,
    # because the birthday moves on the solar calendar every year.
    birthday: date | None = fields.DateField(null=True)  # type: ignore[assignment]
    birthday_calendar = fields.CharEnumField(Calendar, max_length=8, default=Calendar.SOLAR)
    lunar_birth_month = fields.SmallIntField(null=True)
    lunar_birth_day = fields.SmallIntField(null=True)
    province = fields.CharField(max_length=32, default="")
    city = fields.CharField(max_length=32, default="")
    district = fields.CharField(max_length=32, default="")
    address = fields.CharField(max_length=255, default="")
    # Set when this member was merged into another; merged members are hidden from lists.
    merged_into_id = fields.IntField(null=True, db_index=True)
    merged_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()

    class Meta:
        table = "members_member"
        ordering = ("-id",)


class MemberIdentity(Model):
    """An openid is per appid; a unionid spans the brand's accounts (appid left empty)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="identities", on_delete=fields.CASCADE
    )
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
        "members.Member", related_name="touches", on_delete=fields.CASCADE
    )
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
        "members.CenterImage", related_name="themes", null=True, on_delete=fields.SET_NULL
    )
    logo_id: int | None
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "members_center_theme"


class CenterBanner(Model):
    """A slide of the home page carousel; the link is a relative path or an https URL."""

    id = fields.IntField(primary_key=True)
    image: fields.ForeignKeyRelation[CenterImage] = fields.ForeignKeyField(
        "members.CenterImage", related_name="banners", on_delete=fields.RESTRICT
    )
    image_id: int
    title = fields.CharField(max_length=32, default="")
    link = fields.CharField(max_length=255, default="")
    position = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "members_center_banner"
        ordering = ("position", "id")


class ProfileField(StrEnum):
    NAME = "name"
    GENDER = "gender"
    BIRTHDAY = "birthday"
    REGION = "region"
    ADDRESS = "address"


class ProfileCompletion(Model):
    """A profile field completed for the first time; unique, so it earns once ever."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="profile_completions", on_delete=fields.CASCADE
    )
    member_id: int
    field = fields.CharEnumField(ProfileField, max_length=16)
    completed_at = fields.DatetimeField()

    class Meta:
        table = "members_profile_completion"
        unique_together = (("member", "field"),)


class ProfileReward(Model):
    """Reward per profile field; loyalty reads it (members must not depend on loyalty)."""

    id = fields.IntField(primary_key=True)
    field = fields.CharEnumField(ProfileField, max_length=16, unique=True)
    points = fields.IntField(default=0)
    coupon_template_id = fields.IntField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "members_profile_reward"


class MergeStatus(StrEnum):
    DONE = "done"
    UNDONE = "undone"


class MemberMerge(Model):
    """Member `source` merged into `target`; `moved` lists every row that moved, for the undo."""

    id = fields.IntField(primary_key=True)
    target_id = fields.IntField(db_index=True)
    source_id = fields.IntField(db_index=True)
    status = fields.CharEnumField(MergeStatus, max_length=8, default=MergeStatus.DONE)
    moved: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    reason = fields.CharField(max_length=255, default="")
    actor_id = fields.IntField(null=True)
    actor_name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    undone_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    undone_by = fields.CharField(max_length=64, default="")

    class Meta:
        table = "members_merge"
        ordering = ("-id",)
