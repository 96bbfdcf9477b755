"""Mass campaigns: a segment, a channel plan and content, sent once to a frozen recipient list.

The recipients are rows of the delivery ledger (`campaigns_delivery.campaign_id`), written by one
`INSERT … SELECT` when the campaign starts; WeChat mass sends are recorded per job."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    # Recipients being frozen into the ledger.
    FREEZING = "freezing"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ChannelPlan(StrEnum):
    # The router per member: customer service, template, mass, then SMS.
    AUTO = "auto"
    MASS = "mass"
    TEMPLATE = "template"
    CUSTOMER_SERVICE = "customer_service"
    SMS = "sms"


class Campaign(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    segment_id = fields.IntField()
    segment_name = fields.CharField(max_length=64, default="")
    plan = fields.CharEnumField(ChannelPlan, max_length=20)
    # campaigns.mass.schemas.CampaignContent
    content: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    status = fields.CharEnumField(CampaignStatus, max_length=16, default=CampaignStatus.DRAFT)
    scheduled_at: datetime | None = fields.DatetimeField(null=True, db_index=True)  # type: ignore[assignment]
    recipients = fields.IntField(default=0)
    error = fields.CharField(max_length=255, default="")
    started_by_id = fields.IntField(null=True)
    started_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    finished_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    cancelled_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_by_id = fields.IntField(null=True)
    created_by_name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "campaigns_campaign"
        ordering = ("-id",)


class MassJob(Model):
    """One WeChat mass send (2..10 000 openids of one account) and its MASSSENDJOBFINISH."""

    id = fields.IntField(primary_key=True)
    campaign_id = fields.IntField(db_index=True)
    account_id = fields.IntField()
    batch_no = fields.IntField()
    clientmsgid = fields.CharField(max_length=64, unique=True)
    msg_id = fields.BigIntField(null=True, db_index=True)
    size = fields.IntField()
    # submitted, then finished (the job-finish event) or failed (WeChat refused the call)
    status = fields.CharField(max_length=16, default="submitted")
    wechat_status = fields.CharField(max_length=64, default="")
    total_count = fields.IntField(null=True)
    filter_count = fields.IntField(null=True)
    sent_count = fields.IntField(null=True)
    error_count = fields.IntField(null=True)
    error_code = fields.CharField(max_length=32, default="")
    submitted_at = fields.DatetimeField()
    finished_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "campaigns_mass_job"
        ordering = ("batch_no",)
