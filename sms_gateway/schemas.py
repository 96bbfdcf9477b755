"""Pydantic I/O of the SMS gateway."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from sms_gateway.models import MessageKind, ModemState, SmsStatus


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MessageCreate(_In):
    to: str = Field(min_length=1, max_length=32)
    text: str = Field(default="", max_length=2000)
    kind: MessageKind = MessageKind.TRANSACTIONAL
    template_code: str = Field(default="", max_length=64)
    params: dict[str, str] = Field(default_factory=dict)
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=128)


class PartRead(_Out):
    sequence: int
    total: int
    status: SmsStatus
    message_reference: int | None
    submitted_at: datetime | None
    delivered_at: datetime | None
    attempts: int
    error_code: str


class MessageRead(_Out):
    id: int
    kind: MessageKind
    purpose: str
    recipient: str
    text: str
    status: SmsStatus
    not_before: datetime
    modem_id: int | None
    attempts: int
    part_count: int
    error_code: str
    error_detail: str
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    parts: list[PartRead] = Field(default_factory=list)


class MessagePage(BaseModel):
    items: list[MessageRead]
    total: int
    page: int
    page_size: int


class ModemRead(_Out):
    id: int
    imsi: str
    port: str
    manufacturer: str
    model: str
    enabled: bool
    state: ModemState
    state_reason: str
    rssi: int | None
    registration: int | None
    parts_sent: int
    last_heartbeat_at: datetime | None
    parts_last_10_minutes: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parts_per_minute(self) -> float:
        return round(self.parts_last_10_minutes / 10, 1)


class ModemUpdate(_In):
    enabled: bool


class InboundRead(_Out):
    id: int
    sender: str
    text: str
    received_at: datetime
    complete: bool
    opt_out: bool
    modem_id: int | None


class SuppressionCreate(_In):
    phone: str = Field(min_length=1, max_length=32)
    reason: str = Field(default="", max_length=255)


class SuppressionRead(_Out):
    phone: str
    reason: str
    source: str
    created_at: datetime


class TemplateCreate(_In):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    name: str = Field(min_length=1, max_length=64)
    kind: MessageKind = MessageKind.TRANSACTIONAL
    body: str = Field(min_length=1, max_length=1000)
    enabled: bool = True


class TemplateRead(_Out):
    id: int
    code: str
    name: str
    kind: MessageKind
    body: str
    enabled: bool


class CodeRequest(_In):
    phone: str = Field(min_length=1, max_length=32)
    purpose: str = Field(default="login", pattern=r"^[a-z_]{1,32}$")


class CodeIssued(BaseModel):
    phone: str
    purpose: str
    expires_at: datetime
    message_id: int


class CodeCheck(_In):
    phone: str = Field(min_length=1, max_length=32)
    purpose: str = Field(default="login", pattern=r"^[a-z_]{1,32}$")
    code: str = Field(min_length=4, max_length=8, pattern=r"^\d+$")


class CardField(BaseModel):
    label: str
    value: str


class CardSection(BaseModel):
    title: str
    fields: list[CardField]


class CardLink(BaseModel):
    label: str
    href: str


class CallerCard(BaseModel):
    """Who is calling, filled by the upper layers' lookup; ``known`` False is a stranger."""

    known: bool
    title: str
    sections: list[CardSection] = []
    links: list[CardLink] = []


class CallRead(_Out):
    id: int
    number: str
    started_at: datetime
    rings: int
    modem_id: int | None
    caller: CallerCard | None = None


class InboundPage(BaseModel):
    items: list[InboundRead]
    total: int
    page: int
    page_size: int


class CallPage(BaseModel):
    items: list[CallRead]
    total: int
    page: int
    page_size: int


class CallPoll(BaseModel):
    """The caller-ID pop-up: calls after the asked id, and the id to ask after next."""

    latest: int
    calls: list[CallRead]
