"""Care events waiting for the campaigns engine (care messages, automations)."""

from typing import Any

from tortoise import fields
from tortoise.models import Model


class CareEvent(Model):
    """One loyalty or sales event, stored once however often Celery delivers it."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64, db_index=True)
    dedupe_key = fields.CharField(max_length=255, unique=True)
    payload: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    received_at = fields.DatetimeField()
    handled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "campaigns_care_event"
        ordering = ("id",)
