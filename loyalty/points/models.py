"""Per-member loyalty state and the append-only points ledger with FIFO lots."""

from datetime import date, datetime
from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from loyalty.program.models import Tier
from members.models import Member


class Lifecycle(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    DORMANT = "dormant"
    CHURNED = "churned"


class EntryKind(StrEnum):
    PURCHASE = "purchase"
    FOLLOW = "follow"
    CHECKIN = "checkin"
    PROFILE = "profile"
    REVIEW = "review"
    INVITE = "invite"
    BIRTHDAY = "birthday"
    LOTTERY_PRIZE = "lottery_prize"
    REDEEM = "redeem"
    LOTTERY_COST = "lottery_cost"
    MALL = "mall"
    REFUND = "refund"
    EXPIRE = "expire"
    ADJUST = "adjust"


class Account(Model):
    """One per member. balance always equals the sum of the member's ledger deltas."""

    id = fields.IntField(primary_key=True)
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "members.Member", related_name="loyalty_account", on_delete=fields.RESTRICT
    )
    member_id: int
    balance = fields.BigIntField(default=0)
    lifetime_earned = fields.BigIntField(default=0)
    tier: fields.ForeignKeyNullableRelation[Tier] = fields.ForeignKeyField(
        "loyalty.Tier", related_name="accounts", null=True, on_delete=fields.SET_NULL
    )
    tier_id: int | None
    tier_since = fields.DatetimeField(null=True)
    lifecycle = fields.CharEnumField(Lifecycle, max_length=8, default=Lifecycle.NEW)
    last_purchase_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    birthday: date | None = fields.DateField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()

    class Meta:
        table = "loyalty_account"
        constraints = (
            CheckConstraint(check="balance >= 0", name="loyalty_account_balance_nonneg"),
        )


class PointsEntry(Model):
    """Append-only (a trigger refuses UPDATE and DELETE); corrections are new entries."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "loyalty.Account", related_name="entries", on_delete=fields.RESTRICT
    )
    account_id: int
    kind = fields.CharEnumField(EntryKind, max_length=16)
    delta = fields.BigIntField()
    balance_after = fields.BigIntField()
    # Refund reversals the balance could not cover are forgiven and recorded here.
    forgiven = fields.BigIntField(default=0)
    idempotency_key = fields.CharField(max_length=128, unique=True)
    request_hash = fields.CharField(max_length=64)
    source_type = fields.CharField(max_length=32, default="")
    source_id = fields.CharField(max_length=64, default="")
    reason = fields.CharField(max_length=255, default="")
    actor_id = fields.IntField(null=True)
    actor_name = fields.CharField(max_length=64, default="system")
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "loyalty_points_entry"
        ordering = ("-id",)
        indexes = (("source_type", "source_id"),)
        constraints = (
            CheckConstraint(check="balance_after >= 0", name="loyalty_entry_balance_nonneg"),
            CheckConstraint(check="delta <> 0 OR forgiven > 0", name="loyalty_entry_nonzero"),
            CheckConstraint(check="forgiven >= 0", name="loyalty_entry_forgiven_nonneg"),
        )


class LotStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"


class PointsLot(Model):
    """Points earned together, spent first-expiring-first; remaining never below 0."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "loyalty.Account", related_name="lots", on_delete=fields.RESTRICT
    )
    account_id: int
    entry: fields.OneToOneRelation[PointsEntry] = fields.OneToOneField(
        "loyalty.PointsEntry", related_name="lot", on_delete=fields.RESTRICT
    )
    entry_id: int
    original = fields.BigIntField()
    remaining = fields.BigIntField()
    status = fields.CharEnumField(LotStatus, max_length=8, default=LotStatus.ACTIVE)
    earned_at = fields.DatetimeField()
    expires_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "loyalty_points_lot"
        indexes = (("account_id", "status"), ("status", "expires_at"))
        constraints = (
            CheckConstraint(check="original > 0", name="loyalty_lot_original_positive"),
            CheckConstraint(
                check="remaining >= 0 AND remaining <= original", name="loyalty_lot_remaining_range"
            ),
        )


class LotAllocation(Model):
    """Which lots a debit consumed, and how much of each."""

    id = fields.BigIntField(primary_key=True)
    entry: fields.ForeignKeyRelation[PointsEntry] = fields.ForeignKeyField(
        "loyalty.PointsEntry", related_name="allocations", on_delete=fields.RESTRICT
    )
    entry_id: int
    lot: fields.ForeignKeyRelation[PointsLot] = fields.ForeignKeyField(
        "loyalty.PointsLot", related_name="allocations", on_delete=fields.RESTRICT
    )
    lot_id: int
    amount = fields.BigIntField()

    class Meta:
        table = "loyalty_lot_allocation"
        unique_together = (("entry", "lot"),)
        constraints = (CheckConstraint(check="amount > 0", name="loyalty_allocation_positive"),)
