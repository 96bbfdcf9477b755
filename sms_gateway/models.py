"""SMS gateway tables: modems, the leased outbound queue, reports, inbound, opt-outs, calls."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ModemState(StrEnum):
    ONLINE = "online"
    PARKED = "parked"
    DOWN = "down"
    OFFLINE = "offline"


class MessageKind(StrEnum):
    TRANSACTIONAL = "transactional"
    MARKETING = "marketing"


class SmsStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNKNOWN = "unknown"


class Modem(Model):
    """One SIM, keyed by IMSI (a tty name changes on every USB re-enumeration)."""

    id = fields.IntField(primary_key=True)
    imsi = fields.CharField(max_length=32, unique=True)
    port = fields.CharField(max_length=255, default="")
    daemon = fields.CharField(max_length=128, default="")
    manufacturer = fields.CharField(max_length=64, default="")
    model = fields.CharField(max_length=64, default="")
    enabled = fields.BooleanField(default=True)
    state = fields.CharEnumField(ModemState, max_length=16, default=ModemState.OFFLINE)
    state_reason = fields.CharField(max_length=255, default="")
    parked_until = fields.DatetimeField(null=True)
    rssi = fields.IntField(null=True)
    registration = fields.IntField(null=True)
    parts_sent = fields.IntField(default=0)
    consecutive_failures = fields.IntField(default=0)
    last_heartbeat_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sms_modem"
        ordering = ("id",)


class SmsMessage(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(MessageKind, max_length=16)
    purpose = fields.CharField(max_length=32, default="notice")
    recipient = fields.CharField(max_length=24, db_index=True)
    text = fields.TextField()
    status = fields.CharEnumField(SmsStatus, max_length=16, default=SmsStatus.QUEUED)
    priority = fields.IntField(default=0)
    not_before = fields.DatetimeField()
    modem: fields.ForeignKeyNullableRelation[Modem] = fields.ForeignKeyField(
        "sms_gateway.Modem", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    modem_id: int | None
    lease_owner = fields.CharField(max_length=128, default="")
    lease_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    part_count = fields.IntField(default=1)
    error_code = fields.CharField(max_length=64, default="")
    error_detail = fields.CharField(max_length=255, default="")
    idempotency_key = fields.CharField(max_length=128, null=True, unique=True)
    template_code = fields.CharField(max_length=64, default="")
    created_by = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "sms_message"
        ordering = ("-id",)
        indexes = (("status", "not_before"),)


class SmsPart(Model):
    id = fields.BigIntField(primary_key=True)
    message: fields.ForeignKeyRelation[SmsMessage] = fields.ForeignKeyField(
        "sms_gateway.SmsMessage", related_name="parts", on_delete=fields.CASCADE
    )
    message_id: int
    sequence = fields.IntField()
    total = fields.IntField()
    concat_reference = fields.IntField(default=0)
    recipient = fields.CharField(max_length=24)
    tpdu_length = fields.IntField()
    pdu_hex = fields.TextField()
    status = fields.CharEnumField(SmsStatus, max_length=16, default=SmsStatus.QUEUED)
    modem: fields.ForeignKeyNullableRelation[Modem] = fields.ForeignKeyField(
        "sms_gateway.Modem", related_name="parts", null=True, on_delete=fields.SET_NULL
    )
    modem_id: int | None
    message_reference = fields.IntField(null=True)
    attempts = fields.IntField(default=0)
    submitted_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    report_status = fields.IntField(null=True)
    error_code = fields.CharField(max_length=64, default="")
    error_detail = fields.CharField(max_length=255, default="")

    class Meta:
        table = "sms_part"
        ordering = ("message_id", "sequence")
        unique_together = (("message", "sequence"),)
        indexes = (("modem_id", "message_reference", "recipient"),)


class SmsReport(Model):
    """A status report no part matched yet (it can overtake the commit of its +CMGS)."""

    id = fields.BigIntField(primary_key=True)
    modem: fields.ForeignKeyRelation[Modem] = fields.ForeignKeyField(
        "sms_gateway.Modem", related_name="reports", on_delete=fields.CASCADE
    )
    message_reference = fields.IntField()
    recipient = fields.CharField(max_length=24)
    submitted_at = fields.DatetimeField()
    status = fields.IntField()
    received_at = fields.DatetimeField()

    class Meta:
        table = "sms_report_unmatched"


class SmsInbound(Model):
    id = fields.BigIntField(primary_key=True)
    modem: fields.ForeignKeyNullableRelation[Modem] = fields.ForeignKeyField(
        "sms_gateway.Modem", related_name="inbound", null=True, on_delete=fields.SET_NULL
    )
    sender = fields.CharField(max_length=24, db_index=True)
    text = fields.TextField(default="")
    received_at = fields.DatetimeField()
    concat_reference = fields.IntField(null=True)
    total = fields.IntField(default=1)
    parts: dict[str, str] = fields.JSONField(default=dict)  # type: ignore[assignment]
    complete = fields.BooleanField(default=True)
    opt_out = fields.BooleanField(default=False)

    class Meta:
        table = "sms_inbound"
        ordering = ("-id",)


class SmsSuppression(Model):
    phone = fields.CharField(max_length=24, unique=True)
    reason = fields.CharField(max_length=255, default="")
    source = fields.CharField(max_length=32, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "sms_suppression"
        ordering = ("-id",)


class SmsConsent(Model):
    """Prior consent to marketing SMS (MIIT 2015); withdrawn by an opt-out reply."""

    phone = fields.CharField(max_length=24, unique=True)
    source = fields.CharField(max_length=64, default="")
    granted_at = fields.DatetimeField()
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sms_consent"


class SmsTemplate(Model):
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(MessageKind, max_length=16)
    body = fields.TextField()
    enabled = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "sms_template"
        ordering = ("code",)


class SmsCall(Model):
    """An incoming call (RING/+CLIP), shown as a console pop-up (来电弹屏)."""

    id = fields.BigIntField(primary_key=True)
    modem: fields.ForeignKeyNullableRelation[Modem] = fields.ForeignKeyField(
        "sms_gateway.Modem", related_name="calls", null=True, on_delete=fields.SET_NULL
    )
    number = fields.CharField(max_length=24)
    started_at = fields.DatetimeField()
    last_ring_at = fields.DatetimeField()
    rings = fields.IntField(default=1)

    class Meta:
        table = "sms_call"
        ordering = ("-id",)
