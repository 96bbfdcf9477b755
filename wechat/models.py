"""WeChat channel records: accounts, raw inbound events, fans, QR codes, replies, menus, inbox."""

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AccountMode(StrEnum):
    PLAIN = "plain"
    COMPAT = "compat"
    SAFE = "safe"


class QrKind(StrEnum):
    STORE = "store"
    GUIDE = "guide"
    CHANNEL = "channel"
    CAMPAIGN = "campaign"


class QrStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    FAILED = "failed"


class ReplyKind(StrEnum):
    FOLLOW = "follow"
    KEYWORD = "keyword"
    DEFAULT = "default"


class MatchMode(StrEnum):
    EXACT = "exact"
    CONTAINS = "contains"
    REGEX = "regex"


class ReplyType(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    NEWS = "news"


class MenuStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class MessageStatus(StrEnum):
    RECEIVED = "received"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OfficialAccount(Model):
    id = fields.IntField(primary_key=True)
    appid = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    gh_id = fields.CharField(max_length=32, default="")
    mode = fields.CharEnumField(AccountMode, max_length=8, default=AccountMode.SAFE)
    # Sealed with crm_core.vault; never logged, never rendered back to the console.
    secret_sealed = fields.TextField()
    token_sealed = fields.TextField()
    aes_key_sealed = fields.TextField(default="")
    previous_aes_key_sealed = fields.TextField(default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_account"
        ordering = ("id",)


class PayMerchant(Model):
    """A WeChat Pay merchant bound to an official account: red packets go to that account's
    openids. Certificate paths point at files on the server (apiclient_cert.pem/_key.pem)."""

    id = fields.IntField(primary_key=True)
    account: fields.OneToOneRelation[OfficialAccount] = fields.OneToOneField(
        "wechat.OfficialAccount", related_name="pay_merchant", on_delete=fields.RESTRICT
    )
    account_id: int
    mch_id = fields.CharField(max_length=32, unique=True)
    # Sealed with crm_core.vault like the AppSecret; never rendered back.
    api_key_sealed = fields.TextField()
    send_name = fields.CharField(max_length=32)
    client_ip = fields.CharField(max_length=45, default="127.0.0.1")
    cert_path = fields.CharField(max_length=255, default="")
    key_path = fields.CharField(max_length=255, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_pay_merchant"
        ordering = ("id",)


class InboundEvent(Model):
    """Every delivery that passed verification, as received; the durable copy of the dedupe key."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="events", on_delete=fields.CASCADE
    )
    account_id: int
    dedupe_key = fields.CharField(max_length=255, unique=True)
    openid = fields.CharField(max_length=64)
    msg_type = fields.CharField(max_length=32)
    event = fields.CharField(max_length=64, default="")
    event_key = fields.CharField(max_length=1024, default="")
    msg_id = fields.CharField(max_length=64, default="")
    create_time = fields.BigIntField()
    xml = fields.TextField()
    reply = fields.TextField(default="")
    received_at = fields.DatetimeField()
    # The row is its own outbox entry: the relay hands undispatched rows to the workers in
    # batches, so the callback costs one INSERT and no broker round trip.
    dispatched_at = fields.DatetimeField(null=True, db_index=True)
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wechat_inbound_event"
        indexes = (("account_id", "openid"),)


class QrCode(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="qrcodes", on_delete=fields.CASCADE
    )
    account_id: int
    kind = fields.CharEnumField(QrKind, max_length=16)
    name = fields.CharField(max_length=64)
    scene = fields.CharField(max_length=64)
    permanent = fields.BooleanField(default=True)
    expire_seconds = fields.IntField(null=True)
    expires_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(QrStatus, max_length=16, default=QrStatus.PENDING)
    error = fields.CharField(max_length=255, default="")
    ticket = fields.CharField(max_length=255, default="")
    url = fields.CharField(max_length=255, default="")
    store_id = fields.IntField(null=True, db_index=True)
    guide_id = fields.IntField(null=True, db_index=True)
    channel = fields.CharField(max_length=64, default="")
    campaign_id = fields.IntField(null=True)
    welcome_text = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_qrcode"
        unique_together = (("account", "scene"),)
        ordering = ("id",)


class QrDailyStat(Model):
    id = fields.IntField(primary_key=True)
    qrcode: fields.ForeignKeyRelation[QrCode] = fields.ForeignKeyField(
        "wechat.QrCode", related_name="stats", on_delete=fields.CASCADE
    )
    qrcode_id: int
    day = fields.DateField()
    scans = fields.IntField(default=0)
    new_follows = fields.IntField(default=0)
    re_follows = fields.IntField(default=0)
    unfollows = fields.IntField(default=0)

    class Meta:
        table = "wechat_qrcode_daily"
        unique_together = (("qrcode", "day"),)


class FanTag(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="tags", on_delete=fields.CASCADE
    )
    account_id: int
    name = fields.CharField(max_length=30)
    wx_tag_id = fields.IntField(null=True)

    class Meta:
        table = "wechat_fan_tag"
        unique_together = (("account", "name"),)


class Fan(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="fans", on_delete=fields.CASCADE
    )
    account_id: int
    openid = fields.CharField(max_length=64)
    unionid = fields.CharField(max_length=64, default="")
    nickname = fields.CharField(max_length=64, default="")
    remark = fields.CharField(max_length=30, default="")
    subscribed = fields.BooleanField(default=False)
    follow_count = fields.IntField(default=0)
    first_subscribed_at = fields.DatetimeField(null=True)
    subscribed_at = fields.DatetimeField(null=True)
    unsubscribed_at = fields.DatetimeField(null=True)
    # First touch through a QR code; kept forever (members keep first and last touch).
    first_qrcode_id = fields.IntField(null=True)
    last_qrcode_id = fields.IntField(null=True)
    store_id = fields.IntField(null=True, db_index=True)
    guide_id = fields.IntField(null=True, db_index=True)
    channel = fields.CharField(max_length=64, default="")
    province = fields.CharField(max_length=32, default="")
    city = fields.CharField(max_length=32, default="")
    blacklisted = fields.BooleanField(default=False)
    last_interaction_at = fields.DatetimeField(null=True)
    last_message_at = fields.DatetimeField(null=True)
    assigned_staff_id = fields.IntField(null=True)
    # Indexed: the router finds a member's fans for every message it sends.
    member_id = fields.IntField(null=True, db_index=True)
    # The last message the inbox has shown as read; newer inbound messages count as unread.
    read_message_id = fields.BigIntField(null=True)
    tags: fields.ManyToManyRelation[FanTag] = fields.ManyToManyField(
        "wechat.FanTag", related_name="fans", through="wechat_fan_tags"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_fan"
        unique_together = (("account", "openid"),)
        ordering = ("-id",)


class FanMessage(Model):
    id = fields.BigIntField(primary_key=True)
    fan: fields.ForeignKeyRelation[Fan] = fields.ForeignKeyField(
        "wechat.Fan", related_name="messages", on_delete=fields.CASCADE
    )
    fan_id: int
    direction = fields.CharEnumField(Direction, max_length=4)
    msg_type = fields.CharField(max_length=32)
    content = fields.TextField(default="")
    payload: dict[str, Any] = fields.JSONField(default=dict)  # type: ignore[assignment]
    event_id = fields.BigIntField(null=True, unique=True)
    staff_id = fields.IntField(null=True)
    status = fields.CharEnumField(MessageStatus, max_length=16)
    error_code = fields.CharField(max_length=64, default="")
    error_message = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "wechat_fan_message"
        ordering = ("-id",)


class AutoReply(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="auto_replies", on_delete=fields.CASCADE
    )
    account_id: int
    kind = fields.CharEnumField(ReplyKind, max_length=16)
    match_mode = fields.CharEnumField(MatchMode, max_length=16, default=MatchMode.EXACT)
    keyword = fields.CharField(max_length=255, default="")
    priority = fields.IntField(default=0)
    reply_type = fields.CharEnumField(ReplyType, max_length=16, default=ReplyType.TEXT)
    content = fields.TextField(default="")
    media_id = fields.CharField(max_length=128, default="")
    title = fields.CharField(max_length=64, default="")
    url = fields.CharField(max_length=1024, default="")
    picurl = fields.CharField(max_length=1024, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_auto_reply"
        ordering = ("-priority", "id")


class Menu(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="menus", on_delete=fields.CASCADE
    )
    account_id: int
    name = fields.CharField(max_length=64)
    buttons: list[dict[str, Any]] = fields.JSONField(default=list)  # type: ignore[assignment]
    tag_id = fields.IntField(null=True)
    status = fields.CharEnumField(MenuStatus, max_length=16, default=MenuStatus.DRAFT)
    wx_menuid = fields.CharField(max_length=32, default="")
    error = fields.CharField(max_length=255, default="")
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_menu"
        ordering = ("id",)


class MessageTemplate(Model):
    """A private template message of an account, as WeChat last listed it (synced on demand)."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[OfficialAccount] = fields.ForeignKeyField(
        "wechat.OfficialAccount", related_name="message_templates", on_delete=fields.CASCADE
    )
    account_id: int
    template_id = fields.CharField(max_length=64)
    title = fields.CharField(max_length=64)
    primary_industry = fields.CharField(max_length=64, default="")
    deputy_industry = fields.CharField(max_length=64, default="")
    content = fields.TextField()
    example = fields.TextField(default="")
    synced_at = fields.DatetimeField()

    class Meta:
        table = "wechat_message_template"
        unique_together = (("account", "template_id"),)
        ordering = ("account_id", "title", "id")
