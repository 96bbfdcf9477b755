"""Pydantic I/O of members."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crm_core.validation import Id
from members.models import Calendar, Gender, MergeStatus, ProfileField


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    phone: str | None
    card_no: str | None
    merged_into_id: int | None
    first_store_id: int | None
    first_guide_id: int | None
    first_channel: str
    first_touch_at: datetime | None
    last_store_id: int | None
    last_guide_id: int | None
    last_channel: str
    last_touch_at: datetime | None
    created_at: datetime


class ProfileUpdate(BaseModel):
    """Blank strings clear a field; birthday is YYYY-MM-DD read on birthday_calendar."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=32)
    gender: Gender = Gender.UNKNOWN
    birthday: str = Field("", max_length=10)
    birthday_calendar: Calendar = Calendar.SOLAR
    province: str = Field("", max_length=32)
    city: str = Field("", max_length=32)
    district: str = Field("", max_length=32)
    address: str = Field("", max_length=255)


class ProfileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    gender: Gender
    birthday: date | None
    birthday_calendar: Calendar
    lunar_birth_month: int | None
    lunar_birth_day: int | None
    birthday_this_year: date | None = None
    province: str
    city: str
    district: str
    address: str


class ProfileRewardSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: ProfileField
    points: int = Field(0, ge=0, le=100_000)
    coupon_template_id: Id | None = None


class ProfileRewardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field: ProfileField
    points: int
    coupon_template_id: int | None


class CardCodeResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)


class ResolvedMemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name_masked: str
    phone_masked: str
    card_no: str


class MergeCreate(BaseModel):
    """The other member, by id, phone or card number (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=32)
    reason: str = Field("", max_length=255)


class MergeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    target_id: int
    source_id: int
    status: MergeStatus
    moved: dict[str, Any]
    reason: str
    actor_name: str
    created_at: datetime
    undone_at: datetime | None
    undone_by: str


class MergePreviewRead(BaseModel):
    target_id: int
    source_id: int
    source_name: str
    items: list[tuple[str, str]]


class MemberPage(BaseModel):
    items: list[MemberRead]
    total: int
    page: int
    page_size: int


class MemberSummaryRead(BaseModel):
    """What loyalty adds to the member's cards (absent fields: loyalty not wired)."""

    points: int | None = None
    tier_name: str | None = None
    coupons: int | None = None


class TimelineEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    title: str
    detail: str


class MemberDetailRead(BaseModel):
    """Everything the member detail screen shows, in one call."""

    member: MemberRead
    first_store_name: str
    first_guide_name: str
    last_store_name: str
    last_guide_name: str
    summary: MemberSummaryRead
    profile: ProfileRead
    birthday_text: str
    fan_ids: list[int]
    merges: list[MergeRead]
    timeline: list[TimelineEntryRead]


class ThemeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    brand_name: str
    primary_color: str
    logo_id: int | None
    logo_url: str | None


class BannerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    image_id: int
    image_url: str
    title: str
    link: str
    position: int
    is_active: bool
