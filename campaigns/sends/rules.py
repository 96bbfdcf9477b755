"""Which channel one message takes to one member: pure, so the sender and the dry run agree.

Order (issue 11): customer-service message inside the fan's 48-hour window, else a template
message when the intent has one, else (mass campaigns only) a WeChat mass send while the fan's
4-a-month quota lasts, else SMS to the bound phone, else skipped with the reason.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from crm_core.clock import SHANGHAI
from sms_gateway import rules as sms_rules


class Channel(StrEnum):
    CUSTOMER_SERVICE = "customer_service"
    TEMPLATE = "template"
    MASS = "mass"
    SMS = "sms"


ORDER = (Channel.CUSTOMER_SERVICE, Channel.TEMPLATE, Channel.MASS, Channel.SMS)


class SkipReason(StrEnum):
    OPTED_OUT = "opted_out"
    MEMBER_GONE = "member_gone"
    CAPPED = "capped"
    NO_CONTENT = "no_content"
    NO_SMS_CONSENT = "no_sms_consent"
    NO_PHONE = "no_phone"


@dataclass(frozen=True)
class Fan:
    subscribed: bool
    blacklisted: bool
    window_open: bool


@dataclass(frozen=True)
class Intent:
    """What the message offers per channel; `mass` only for mass campaigns."""

    has_text: bool
    has_template: bool
    has_sms: bool
    marketing: bool = True
    mass: bool = False
    # A campaign's channel plan may leave some out.
    channels: frozenset[Channel] = frozenset(Channel)


@dataclass(frozen=True)
class Recipient:
    exists: bool
    opted_out: bool
    fan: Fan | None
    has_phone: bool
    sms_consent: bool
    mass_used: int = 0
    # channel -> (sent today, sent this week), both in Asia/Shanghai
    used: Mapping[Channel, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    marketing_start: str = "08:00"
    marketing_end: str = "22:00"
    caps: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    mass_per_month: int = 4


@dataclass(frozen=True)
class Decision:
    channel: Channel | None = None
    skip: SkipReason | None = None
    defer_until: datetime | None = None


def capped(channel: Channel, recipient: Recipient, policy: Policy) -> bool:
    cap = policy.caps.get(channel.value)
    if cap is None:
        return False
    day, week = recipient.used.get(channel, (0, 0))
    return day >= cap[0] or week >= cap[1]


def _offers(channel: Channel, intent: Intent, recipient: Recipient, policy: Policy) -> bool:
    fan = recipient.fan
    reachable = fan is not None and fan.subscribed and not fan.blacklisted
    match channel:
        case Channel.CUSTOMER_SERVICE:
            return reachable and fan is not None and fan.window_open and intent.has_text
        case Channel.TEMPLATE:
            return reachable and intent.has_template
        case Channel.MASS:
            return (
                reachable
                and intent.mass
                and intent.has_text
                and recipient.mass_used < policy.mass_per_month
            )
        case Channel.SMS:
            return (
                recipient.has_phone
                and intent.has_sms
                and (recipient.sms_consent or not intent.marketing)
            )


def decide(
    intent: Intent,
    recipient: Recipient,
    now: datetime,
    policy: Policy,
    *,
    excluded: frozenset[Channel] = frozenset(),
) -> Decision:
    """`excluded`: channels WeChat has refused for this row (45015, 43004, ...)."""
    if not recipient.exists:
        return Decision(skip=SkipReason.MEMBER_GONE)
    if recipient.opted_out and intent.marketing:
        return Decision(skip=SkipReason.OPTED_OUT)
    offered = [
        c
        for c in ORDER
        if c in intent.channels and c not in excluded and _offers(c, intent, recipient, policy)
    ]
    allowed = [c for c in offered if not capped(c, recipient, policy)]
    if not allowed:
        return Decision(skip=_why_none(intent, recipient, offered))
    if intent.marketing:
        opens = sms_rules.next_sending_time(now, policy.marketing_start, policy.marketing_end)
        if opens != now:
            # Deferred, not dropped: the channel is decided again when the hours open.
            return Decision(channel=allowed[0], defer_until=opens)
    return Decision(channel=allowed[0])


def _why_none(intent: Intent, recipient: Recipient, offered: list[Channel]) -> SkipReason:
    if offered:
        return SkipReason.CAPPED
    if not recipient.has_phone:
        return SkipReason.NO_PHONE
    if not intent.has_sms:
        return SkipReason.NO_CONTENT
    return SkipReason.NO_SMS_CONSENT


def day_start(now: datetime) -> datetime:
    local = now.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def week_start(now: datetime) -> datetime:
    local = now.astimezone(SHANGHAI)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def month_start(now: datetime) -> datetime:
    """The mass quota counts calendar months on the account's clock (Asia/Shanghai)."""
    local = now.astimezone(SHANGHAI)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def permanent_exclusion(channel: Channel, errcode: int) -> frozenset[Channel]:
    """Channels a permanent WeChat refusal rules out for this row: an unfollowed fan or a bad
    openid closes every WeChat channel; a closed window or used-up quota only the one."""
    if errcode in {43004, 40003, 43019, 43101}:
        return frozenset({Channel.CUSTOMER_SERVICE, Channel.TEMPLATE, Channel.MASS})
    return frozenset({channel})


def unmapped(fields: Sequence[str], mapping: Mapping[str, str]) -> list[str]:
    """The template's fields with no value (blank counts as none), in the template's order."""
    return [name for name in fields if not mapping.get(name, "").strip()]


def template_outcome(status: str) -> tuple[bool, str] | None:
    """TEMPLATESENDJOBFINISH's Status: (delivered, stable error code) — `success` is delivered,
    `failed:user block` fails as `user_block`, `failed: system failed` as `system_failed`;
    None for a status WeChat has not documented."""
    text = status.strip().lower()
    if text == "success":
        return True, ""
    if text.startswith("failed"):
        code = re.sub(r"[^a-z0-9]+", "_", text.removeprefix("failed")).strip("_")
        return False, code[:32] or "failed"
    return None
