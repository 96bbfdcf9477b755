"""Red packets paid through WeChat Pay: one row per business cause, the ledger of payouts."""

from datetime import date, datetime
from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from members.models import Member


class RedPacketSource(StrEnum):
    CHECKIN = "checkin"
    LOTTERY = "lottery"
    MALL = "mall"


class RedPacketStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    # A send was attempted and WeChat gave no definite answer (or one is in flight): the bill
    # must be queried before it is ever sent again.
    UNKNOWN = "unknown"


class RedPacket(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "members.Member", related_name="red_packets", on_delete=fields.RESTRICT
    )
    member_id: int
    source = fields.CharEnumField(RedPacketSource, max_length=16)
    # The check-in, lottery award or mall order that earned it; unique with `source`.
    source_id = fields.IntField()
    day: date = fields.DateField()  # type: ignore[assignment]
    amount_fen = fields.IntField()
    act_name = fields.CharField(max_length=32)
    wishing = fields.CharField(max_length=128)
    status = fields.CharEnumField(RedPacketStatus, max_length=16, default=RedPacketStatus.PENDING)
    # Fixed at the first send and never changed: every retry reuses it, so WeChat pays once.
    mch_billno = fields.CharField(max_length=28, null=True, unique=True)
    merchant_id = fields.IntField(null=True)
    openid = fields.CharField(max_length=64, default="")
    send_listid = fields.CharField(max_length=64, default="")
    wechat_status = fields.CharField(max_length=16, default="")
    err_code = fields.CharField(max_length=32, default="")
    err_message = fields.CharField(max_length=255, default="")
    attempts = fields.IntField(default=0)
    lease_until: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    sent_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]
    updated_at: datetime | None = fields.DatetimeField(null=True)  # type: ignore[assignment]

    class Meta:
        table = "loyalty_red_packet"
        ordering = ("-id",)
        unique_together = (("source", "source_id"),)
        indexes = (("status", "created_at"),)
        constraints = (
            CheckConstraint(check="amount_fen > 0", name="loyalty_red_packet_amount_positive"),
        )
