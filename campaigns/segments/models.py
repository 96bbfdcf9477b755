"""Segments: a named rule over members (campaigns.segments.rules), counted when saved."""

from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Segment(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    description = fields.CharField(max_length=255, default="")
    rule: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    member_count = fields.IntField(default=0)
    counted_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_by_id = fields.IntField(null=True)
    created_by_name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "campaigns_segment"
        ordering = ("-id",)
