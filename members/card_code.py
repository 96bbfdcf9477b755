"""The scannable card code shown at the till: card number + a 60-second counter + an HMAC.

A screenshot stops working after at most two steps (the current and the previous one are
accepted, so a code shown just before a step boundary still scans). The key is derived from
SCRM_SECRET_KEY, so only this server can mint codes.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from crm_core import clock
from crm_core.config import get_settings
from crm_core.errors import ValidationError
from crm_core.web import qr
from members.card import mask
from members.models import Member

STEP_SECONDS = 60
ACCEPTED_STEPS = 2
_MAC_CHARS = 12


class CardCodeInvalidError(ValidationError):
    status_code = 400
    code = "card_code_invalid"
    message = "会员码无效或已过期，请让顾客刷新会员码后重新扫码"


@dataclass(frozen=True)
class ResolvedMember:
    id: int
    name_masked: str
    phone_masked: str
    card_no: str


def _key() -> bytes:
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, b"scrm/members/card-code/v1", hashlib.sha256).digest()


def _mac(card_no: str, counter: int) -> str:
    digest = hmac.new(_key(), f"{card_no}.{counter}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:_MAC_CHARS]


def _counter(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def mint(card_no: str, now: datetime | None = None) -> str:
    counter = _counter(now or clock.utc_now())
    return f"{card_no}.{counter}.{_mac(card_no, counter)}"


def card_no_of(code: str, now: datetime | None = None) -> str:
    """The card number inside a fresh, authentic code; raises CardCodeInvalidError otherwise."""
    parts = code.strip().upper().split(".")
    if len(parts) != 3 or not parts[0].isdecimal() or not parts[1].isdecimal():
        raise CardCodeInvalidError()
    card_no, counter, mac = parts[0], int(parts[1]), parts[2]
    current = _counter(now or clock.utc_now())
    if not current - ACCEPTED_STEPS < counter <= current:
        raise CardCodeInvalidError()
    if not hmac.compare_digest(_mac(card_no, counter), mac):
        raise CardCodeInvalidError()
    return card_no


def mask_name(name: str) -> str:
    """张三丰 → 张**: enough for the cashier to greet, not to identify."""
    return f"{name[0]}{'*' * min(len(name) - 1, 2)}" if name else ""


async def resolve(code: str) -> ResolvedMember:
    member = await Member.get_or_none(card_no=card_no_of(code), merged_into_id=None)
    if member is None or member.card_no is None:
        raise CardCodeInvalidError()
    return ResolvedMember(member.id, mask_name(member.name), mask(member.phone), member.card_no)


async def current_code(member_id: int) -> tuple[str, str] | None:
    """(code, inline SVG) for the member's own card page; None before a card is bound."""
    member = await Member.get(id=member_id)
    if member.card_no is None:
        return None
    code = mint(member.card_no)
    return code, qr.svg(code, size_px=180)
