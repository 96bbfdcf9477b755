"""The public pool (公海): recycle rules per customer level, claim limits, owner reminders.

A customer is in the pool when its owner is NULL; the pool's own columns sit on the customer
(crm_core/customers/models.py: pooled_at, pool_reason, previous_owner_id, trashed_at, ...).
"""

from tortoise import fields
from tortoise.models import Model

from crm_core.customers.models import Customer, CustomerLevel


class PoolRule(Model):
    """One per level: recycle after N days without a follow-up and/or M days without a deal."""

    id = fields.IntField(primary_key=True)
    level = fields.CharEnumField(CustomerLevel, max_length=8, unique=True)
    enabled = fields.BooleanField(default=False)
    no_follow_up_days = fields.IntField(null=True)
    no_deal_days = fields.IntField(null=True)
    updated_by_id = fields.IntField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "crm_pool_rule"
        ordering = ("level",)


class PoolSetting(Model):
    """The one row of claim limits (id 1)."""

    id = fields.IntField(primary_key=True)
    claim_batch_max = fields.IntField(default=10)
    claim_daily_quota = fields.IntField(default=20)
    cooldown_days = fields.IntField(default=7)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "crm_pool_setting"


class PoolReminder(Model):
    """Told to the owner one day before the customer drops (即将掉入公海)."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "crm_core.Customer", related_name="pool_reminders", on_delete=fields.RESTRICT
    )
    customer_id: int
    owner_id = fields.IntField(db_index=True)
    drop_at = fields.DatetimeField()
    reason = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()

    class Meta:
        table = "crm_pool_reminder"
        # The sweep inserts with ON CONFLICT DO NOTHING: one reminder per drop date.
        unique_together = (("customer", "owner_id", "drop_at"),)
        ordering = ("drop_at", "id")
