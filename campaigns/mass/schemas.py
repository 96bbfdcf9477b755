"""Mass campaigns: the editor's input, the list and the progress read."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from campaigns.mass.models import CampaignStatus, ChannelPlan
from crm_core.validation import Id

TemplateKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,24}\d{0,3}$")]


class CampaignContent(BaseModel):
    """What each channel carries. `text` goes by mass send and customer service (the same for
    everyone in a mass send); template fields and SMS may use {name} {card_no} {points} {tier}."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field("", max_length=2048)
    # Mass and customer-service messages: text, or a picture / article by its WeChat media_id.
    msgtype: Literal["text", "image", "mpnews"] = "text"
    media_id: str = Field("", max_length=128, pattern=r"^[A-Za-z0-9_-]*$")
    template_id: str = Field("", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")
    template_data: dict[TemplateKey, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=20
    )
    template_url: str = Field("", max_length=255, pattern=r"^(https://\S+)?$")
    sms: str = Field("", max_length=500)


class CampaignWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    segment_id: Id
    plan: ChannelPlan
    content: CampaignContent


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    segment_id: int
    segment_name: str
    plan: ChannelPlan
    content: CampaignContent
    status: CampaignStatus
    scheduled_at: datetime | None
    recipients: int
    error: str
    started_at: datetime | None
    finished_at: datetime | None
    cancelled_at: datetime | None
    created_by_name: str
    created_at: datetime
    updated_at: datetime


class ScheduleWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduled_at: datetime


class PreviewSend(BaseModel):
    """Send the content to one test fan first: an openid, or a member whose fan it goes to."""

    model_config = ConfigDict(extra="forbid")

    openid: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    member_id: Id | None = None


class PreviewSent(BaseModel):
    channel: Literal["mass_preview", "customer_service", "template", "sms"]
    to: str


class MassJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    batch_no: int
    account_id: int
    msg_id: int | None
    size: int
    status: str
    wechat_status: str
    total_count: int | None
    filter_count: int | None
    sent_count: int | None
    error_count: int | None
    error_code: str
    submitted_at: datetime
    finished_at: datetime | None


class CampaignProgress(BaseModel):
    id: int
    status: CampaignStatus
    recipients: int
    finished: int
    percent: int
    # ledger status -> rows; channel -> rows sent
    by_status: dict[str, int]
    by_channel: dict[str, int]
    skipped: dict[str, int]
    # Rows WeChat or the modem reported delivered; rows whose member opened a tracked link;
    # every visit of the campaign's links (mass-send links count here only).
    delivered: int
    clicked: int
    clicks: int
    jobs: list[MassJobRead]
