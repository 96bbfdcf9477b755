"""Message content per channel, the delivery ledger and the dry run."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from campaigns.sends.models import DeliveryStatus
from campaigns.sends.rules import Channel
from crm_core.validation import Id


class MessageContent(BaseModel):
    """One message rendered for one member; what each channel would carry."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field("", max_length=2048)
    # Customer-service and mass messages may carry a picture or an article instead of text.
    msgtype: Literal["text", "image", "mpnews"] = "text"
    media_id: str = Field("", max_length=128)
    template_id: str = Field("", max_length=64)
    template_data: dict[str, str] = Field(default_factory=dict)
    template_url: str = Field("", max_length=255)
    sms: str = Field("", max_length=300)
    marketing: bool = True
    mass: bool = False


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    intent_key: str
    kind: str
    member_id: int
    fan_id: int | None
    channel: str
    status: DeliveryStatus
    reason: str
    error_code: str
    error_message: str
    attempts: int
    not_before: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None
    clicked_at: datetime | None
    created_at: datetime


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    total: int
    page: int
    page_size: int


class DryRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_ids: list[Id] = Field(min_length=1, max_length=10_000)
    text: bool = True
    template: bool = False
    sms: bool = True
    marketing: bool = True
    mass: bool = False
    # A campaign's channel plan may leave some channels out.
    channels: list[Channel] = Field(default_factory=lambda: list(Channel), min_length=1)


class DryRunResult(BaseModel):
    total: int
    channels: dict[str, int]
    deferred: int
    skipped: dict[str, int]
