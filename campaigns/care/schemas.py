"""Care settings, festivals and previews."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from campaigns.care.models import CareType
from campaigns.sends.schemas import MessageContent
from crm_core.validation import Id

TemplateKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,24}\d{0,3}$")]


class CareSettingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    care_type: CareType
    enabled: bool
    marketing: bool
    text: str
    template_id: str
    template_fields: dict[str, str]
    template_url: str
    sms: str
    # The {placeholders} this type's texts and template fields may use.
    placeholders: list[str]


class CareSettingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    text: str = Field("", max_length=600)
    template_id: str = Field("", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")
    template_fields: dict[TemplateKey, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=20
    )
    template_url: str = Field("", max_length=255, pattern=r"^(https://\S+)?$")
    sms: str = Field("", max_length=300)


class CarePreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: Id


class CarePreview(BaseModel):
    content: MessageContent
    channel: str | None
    skip_reason: str | None
    defer_until: datetime | None


class FestivalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    calendar: Literal["solar", "lunar"]
    month: int
    day: int
    enabled: bool


class FestivalUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=32)
    calendar: Literal["solar", "lunar"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    enabled: bool = True
