"""Tracked short links: one per (delivery, URL), or per (campaign, URL) for mass sends, and
the click log behind them."""

from datetime import datetime

from tortoise import fields
from tortoise.models import Model


class TrackedLink(Model):
    id = fields.IntField(primary_key=True)
    # "d:<delivery id>:<url digest>" or "c:<campaign id>:<url digest>": a retried send finds
    # the first link, so the same member gets the same code.
    key = fields.CharField(max_length=80, unique=True)
    code = fields.CharField(max_length=16, unique=True)
    url = fields.TextField()
    delivery_id = fields.BigIntField(null=True, db_index=True)
    campaign_id = fields.IntField(null=True, db_index=True)
    clicks = fields.IntField(default=0)
    first_clicked_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()

    class Meta:
        table = "campaigns_link"
        ordering = ("id",)


class LinkClick(Model):
    """One visit of a tracked link (append-only)."""

    id = fields.BigIntField(primary_key=True)
    link_id = fields.IntField(db_index=True)
    delivery_id = fields.BigIntField(null=True)
    campaign_id = fields.IntField(null=True, db_index=True)
    clicked_at = fields.DatetimeField()
    user_agent = fields.CharField(max_length=255, default="")

    class Meta:
        table = "campaigns_link_click"
        ordering = ("id",)
