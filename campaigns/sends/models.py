"""The delivery ledger: one row per (intent, member), whatever the channel."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import PartialIndex
from tortoise.models import Model


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    DEFERRED = "deferred"
    SENDING = "sending"
    # Waiting for the campaign's mass send (WeChat takes 2..10 000 openids per call).
    BATCHED = "batched"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    # A tracked link in the message was opened (campaigns.links); the furthest a row goes.
    CLICKED = "clicked"
    FAILED = "failed"
    SKIPPED = "skipped"
    SKIPPED_OPTOUT = "skipped_optout"
    # A campaign cancelled before this row was sent.
    CANCELLED = "cancelled"


class Delivery(Model):
    id = fields.BigIntField(primary_key=True)
    # "<intent key>:<member id>": a redelivered task or a repeated event finds the first row.
    idempotency_key = fields.CharField(max_length=255, unique=True)
    intent_key = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=32)
    member_id = fields.IntField()
    # Mass campaigns' frozen recipients; their content lives on the campaign.
    campaign_id = fields.IntField(null=True)
    # The WeChat mass send (per account, up to 10 000 fans) this row went in.
    batch_no = fields.IntField(null=True)
    fan_id = fields.IntField(null=True)
    channel = fields.CharField(max_length=20, default="")
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.QUEUED)
    reason = fields.CharField(max_length=64, default="")
    error_code = fields.CharField(max_length=32, default="")
    error_message = fields.CharField(max_length=255, default="")
    # Rendered per channel at enqueue: text, template_id + data, sms; plus marketing/mass flags.
    content: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    excluded = fields.CharField(max_length=64, default="")
    wechat_msgid = fields.BigIntField(null=True)
    sms_message_id = fields.BigIntField(null=True)
    attempts = fields.IntField(default=0)
    not_before: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    claimed_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    sent_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    delivered_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    clicked_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "campaigns_delivery"
        ordering = ("-id",)
        # Few indexes: a mass send writes every row of a 1M campaign, and each index is written
        # with it. Members' and fans' counts use the first two, campaigns the third, the beat's
        # sweeps (deferred, stale, lost rows) the fourth. WeChat's template reports find their
        # row by msgid in the last, which holds template rows only.
        indexes = (
            ("member_id", "channel", "sent_at"),
            ("fan_id", "channel", "sent_at"),
            ("campaign_id", "status"),
            ("status", "not_before"),
            PartialIndex(fields=("wechat_msgid",), condition={"channel": "template"}),
        )
