"""Pydantic I/O of the WeChat channel. Inputs forbid unknown fields; secrets are write-only."""

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from crm_core.validation import FieldValueError, Id
from wechat.models import AccountMode, MatchMode, QrKind, QrStatus, ReplyKind, ReplyType


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


AES_KEY = re.compile(r"^[A-Za-z0-9]{43}$")


def _check_aes_key(value: SecretStr | None) -> SecretStr | None:
    if value is None or not value.get_secret_value():
        return None
    if not AES_KEY.fullmatch(value.get_secret_value()):
        raise ValueError("EncodingAESKey 必须是 43 位字母或数字")
    return value


class AccountCreate(Input):
    appid: str = Field(min_length=6, max_length=32, pattern=r"^wx[A-Za-z0-9]+$")
    name: str = Field(min_length=1, max_length=64)
    secret: SecretStr = Field(min_length=1, max_length=128)
    token: SecretStr = Field(min_length=3, max_length=32)
    aes_key: SecretStr | None = None
    mode: AccountMode = AccountMode.SAFE
    gh_id: str = Field("", max_length=32)

    @field_validator("aes_key")
    @classmethod
    def _aes_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_aes_key(value)


class AccountUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    secret: SecretStr | None = None
    token: SecretStr | None = None
    aes_key: SecretStr | None = None
    mode: AccountMode | None = None
    is_active: bool | None = None

    @field_validator("aes_key")
    @classmethod
    def _aes_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_aes_key(value)


class AccountRead(Output):
    id: int
    appid: str
    name: str
    gh_id: str
    mode: AccountMode
    is_active: bool
    callback_path: str = ""
    has_aes_key: bool = False


class QrCodeCreate(Input):
    account_id: Id
    kind: QrKind
    name: str = Field(min_length=1, max_length=64)
    scene: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    permanent: bool = True
    expire_seconds: int | None = Field(None, ge=60, le=2_592_000)
    store_id: Id | None = None
    guide_id: Id | None = None
    channel: str = Field("", max_length=64)
    campaign_id: Id | None = None
    welcome_text: str = Field("", max_length=600)


class QrCodeUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    welcome_text: str | None = Field(None, max_length=600)


class QrCodeRead(Output):
    id: int
    account_id: int
    kind: QrKind
    name: str
    scene: str
    permanent: bool
    expires_at: datetime | None
    status: QrStatus
    error: str
    ticket: str
    url: str
    store_id: int | None
    guide_id: int | None
    channel: str
    campaign_id: int | None
    welcome_text: str


class QrStatRead(BaseModel):
    day: date
    scans: int
    new_follows: int
    re_follows: int
    unfollows: int


class FanRead(Output):
    id: int
    account_id: int
    openid: str
    unionid: str
    nickname: str
    remark: str
    subscribed: bool
    follow_count: int
    first_subscribed_at: datetime | None
    subscribed_at: datetime | None
    unsubscribed_at: datetime | None
    store_id: int | None
    guide_id: int | None
    channel: str
    province: str
    city: str
    blacklisted: bool
    last_interaction_at: datetime | None
    assigned_staff_id: int | None
    member_id: int | None


class FanIdentity(BaseModel):
    """What members needs to link a fan to a member (members imports this, never the model)."""

    fan_id: int
    appid: str
    openid: str
    unionid: str
    nickname: str


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    title: str
    detail: str = ""


class FanTagsUpdate(Input):
    tags: list[str] = Field(max_length=20)


class BlacklistUpdate(Input):
    blacklisted: bool


class AutoReplyCreate(Input):
    account_id: Id
    kind: ReplyKind
    match_mode: MatchMode = MatchMode.EXACT
    keyword: str = Field("", max_length=255)
    priority: int = Field(0, ge=0, le=1000)
    reply_type: ReplyType = ReplyType.TEXT
    content: str = Field("", max_length=2000)
    media_id: str = Field("", max_length=128)
    title: str = Field("", max_length=64)
    url: str = Field("", max_length=1024)
    picurl: str = Field("", max_length=1024)
    is_active: bool = True


class AutoReplyUpdate(Input):
    match_mode: MatchMode | None = None
    keyword: str | None = Field(None, max_length=255)
    priority: int | None = Field(None, ge=0, le=1000)
    reply_type: ReplyType | None = None
    content: str | None = Field(None, max_length=2000)
    media_id: str | None = Field(None, max_length=128)
    title: str | None = Field(None, max_length=64)
    url: str | None = Field(None, max_length=1024)
    picurl: str | None = Field(None, max_length=1024)
    is_active: bool | None = None


class AutoReplyRead(Output):
    id: int
    account_id: int
    kind: ReplyKind
    match_mode: MatchMode
    keyword: str
    priority: int
    reply_type: ReplyType
    content: str
    media_id: str
    title: str
    url: str
    picurl: str
    is_active: bool


class MenuCreate(Input):
    account_id: Id
    name: str = Field(min_length=1, max_length=64)
    buttons: list[dict[str, Any]] = Field(min_length=1, max_length=3)
    tag_id: int | None = Field(None, ge=0)


class MenuRead(Output):
    id: int
    account_id: int
    name: str
    buttons: list[dict[str, Any]]
    tag_id: int | None
    status: str
    wx_menuid: str
    error: str
    published_at: datetime | None


class MessageRead(Output):
    id: int
    fan_id: int
    direction: str
    msg_type: str
    content: str
    staff_id: Id | None
    status: str
    error_code: str
    error_message: str
    created_at: datetime


class ReplyCreate(Input):
    content: str = Field(min_length=1, max_length=2000)


class AssignCreate(Input):
    staff_id: Id | None


class MerchantSet(Input):
    """The WeChat Pay merchant of an account (red packets); the API key is write-only."""

    account_id: Id
    mch_id: str = Field(min_length=6, max_length=32, pattern=r"^[0-9]+$")
    api_key: SecretStr = Field(min_length=8, max_length=64)
    send_name: str = Field(min_length=1, max_length=32)
    client_ip: str = Field("127.0.0.1", max_length=45)
    cert_path: str = Field("", max_length=255)
    key_path: str = Field("", max_length=255)

    @model_validator(mode="after")
    def _certificate_pair(self) -> "MerchantSet":
        if bool(self.cert_path) != bool(self.key_path):
            raise FieldValueError("key_path", "API 证书路径与私钥路径需要同时填写")
        return self


class MerchantRead(Output):
    id: int
    account_id: int
    mch_id: str
    send_name: str
    client_ip: str
    has_certificate: bool = False
    is_active: bool


class FanListItem(FanRead):
    """A fan as the console lists it: the names behind its ids (members' name via the hook)."""

    store_name: str = ""
    guide_name: str = ""
    member_name: str = ""


class FanDetailRead(FanListItem):
    tags: list[str] = []
    window_open: bool = False
    window_closes_at: datetime | None = None


class ConversationRead(BaseModel):
    """One inbox row: a fan with their latest message and the 48-hour window."""

    fan_id: int
    account_id: int
    openid: str
    nickname: str
    remark: str
    subscribed: bool
    member_id: int | None
    member_name: str
    assigned_staff_id: int | None
    last_message_at: datetime | None
    last_message: MessageRead | None
    unread_count: int
    waiting: bool
    window_open: bool
    window_closes_at: datetime | None


class CountRead(BaseModel):
    label: str
    count: int


class DayCountRead(BaseModel):
    day: date
    count: int


class PortraitRead(BaseModel):
    total: int
    subscribed: int
    channel: list[CountRead]
    qrcode: list[CountRead]
    store: list[CountRead]
    guide: list[CountRead]
    province: list[CountRead]
    city: list[CountRead]
    trend: list[DayCountRead]


class QrCodeListItem(QrCodeRead):
    """A code with its lifetime totals, as the QR code list shows them."""

    scans: int = 0
    new_follows: int = 0
    re_follows: int = 0
    unfollows: int = 0


class MenuUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=64)
    buttons: list[dict[str, Any]] | None = Field(None, min_length=1, max_length=3)
    tag_id: int | None = Field(None, ge=0)


class MenuCheck(Input):
    buttons: list[dict[str, Any]] = Field(max_length=10)


class MenuProblems(BaseModel):
    valid: bool
    problems: list[str]


class AutoReplyPreviewCreate(Input):
    """A rule as it would answer, with the placeholders of a QR code's store, guide, channel."""

    account_id: Id
    reply_type: ReplyType = ReplyType.TEXT
    content: str = Field("", max_length=2000)
    media_id: str = Field("", max_length=128)
    title: str = Field("", max_length=64)
    url: str = Field("", max_length=1024)
    picurl: str = Field("", max_length=1024)
    qrcode_id: Id | None = None


class AutoReplyPreview(BaseModel):
    reply_type: ReplyType
    content: str
    media_id: str
    title: str
    url: str
    picurl: str


class FanTagRead(Output):
    """A fan tag; wx_tag_id is WeChat's id once a worker created it there (conditional menus)."""

    id: int
    account_id: int
    name: str
    wx_tag_id: int | None


class MessageTemplateRead(Output):
    id: int
    account_id: int
    template_id: str
    title: str
    primary_industry: str
    deputy_industry: str
    content: str
    example: str
    # The keys of the message's `data`, in the order the content uses them.
    fields: list[str]
    synced_at: datetime


class MessageTemplateSyncCreate(Input):
    account_id: Id


class MessageTemplateSyncRead(BaseModel):
    added: int
    updated: int
    removed: int
    templates: list[MessageTemplateRead]
