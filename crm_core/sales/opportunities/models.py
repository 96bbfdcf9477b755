"""Opportunities (商机) moving through configurable stages, with the history of every stage."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from crm_core.customers.models import Customer


class OpportunityStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Stage(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    position = fields.IntField()
    # Percent: the weighted forecast counts amount × probability / 100.
    probability = fields.IntField()
    is_won = fields.BooleanField(default=False)
    is_lost = fields.BooleanField(default=False)

    class Meta:
        table = "crm_opportunity_stage"
        ordering = ("position", "id")


class LostReason(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    position = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "crm_lost_reason"
        ordering = ("position", "id")


class Opportunity(Model):
    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name="opportunities", on_delete=fields.RESTRICT
    )
    customer_id: int
    name = fields.CharField(max_length=128)
    amount_fen = fields.BigIntField()
    expected_close_date = fields.DateField()
    stage: fields.ForeignKeyRelation[Stage] = fields.ForeignKeyField(
        "crm_core.Stage", related_name="opportunities", on_delete=fields.RESTRICT
    )
    stage_id: int
    status = fields.CharEnumField(OpportunityStatus, max_length=8, default=OpportunityStatus.OPEN)
    owner_id = fields.IntField(db_index=True)
    department_id = fields.IntField(null=True)
    created_by_id = fields.IntField(null=True)
    lead_id = fields.IntField(null=True)
    stage_entered_at = fields.DatetimeField()
    # The public pool's "no deal" clock reads won_at (a customer with a recent win stays).
    won_at = fields.DatetimeField(null=True, db_index=True)
    lost_at = fields.DatetimeField(null=True)
    lost_reason: fields.ForeignKeyNullableRelation[LostReason] = fields.ForeignKeyField(
        "crm_core.LostReason", null=True, related_name="opportunities", on_delete=fields.RESTRICT
    )
    lost_reason_id: int | None
    lost_note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "crm_opportunity"
        ordering = ("-id",)


class StageVisit(Model):
    """One stay of an opportunity in a stage: entered, and left (NULL while it is there)."""

    id = fields.IntField(primary_key=True)
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "crm_core.Opportunity", related_name="visits", on_delete=fields.RESTRICT
    )
    opportunity_id: int
    stage: fields.ForeignKeyRelation[Stage] = fields.ForeignKeyField(
        "crm_core.Stage", related_name="visits", on_delete=fields.RESTRICT
    )
    stage_id: int
    entered_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True)
    by_staff_id = fields.IntField(null=True)

    class Meta:
        table = "crm_opportunity_stage_history"
        ordering = ("entered_at", "id")
