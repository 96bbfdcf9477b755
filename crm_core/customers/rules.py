"""Pure rules of customers: phone normalisation, the dedupe key, phone masking, transfers."""

import re
import unicodedata

MAX_TRANSFER = 500
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# A Chinese landline with its area code: 010 or 02x + 8 digits, or 0xxx + 7–8 digits.
_CN_LANDLINE = re.compile(r"0(?:10|2[0-9])[0-9]{8}|0[3-9][0-9]{9,10}")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


class PhoneError(ValueError):
    """Not a phone number this CRM can store."""


def normalize_phone(text: str) -> str:
    """E.164: Chinese mobiles and landlines get +86, other countries must say their own code."""
    compact = re.sub(r"[\s\-().]", "", unicodedata.normalize("NFKC", text))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("86") and _CN_MOBILE.fullmatch(compact[2:]):
        compact = "+" + compact
    if _CN_MOBILE.fullmatch(compact):
        compact = "+86" + compact
    elif _CN_LANDLINE.fullmatch(compact):
        compact = "+86" + compact[1:]
    if not _E164.fullmatch(compact):
        raise PhoneError(text)
    if compact.startswith("+86") and not (
        _CN_MOBILE.fullmatch(compact[3:]) or _CN_LANDLINE.fullmatch("0" + compact[3:])
    ):
        raise PhoneError(text)
    return compact


def national(phone: str) -> str:
    """How people write a stored number: 13800138000, 02112345678, +44…"""
    if phone.startswith("+86"):
        digits = phone[3:]
        return digits if _CN_MOBILE.fullmatch(digits) else "0" + digits
    return phone


def mask_phone(phone: str) -> str:
    """138****8000: the first three and last four digits stay, four stars hide the rest."""
    shown = national(phone)
    if not shown:
        return ""
    if len(shown) <= 7:
        return "*" * len(shown)
    return f"{shown[:3]}****{shown[-4:]}"


def name_key(name: str) -> str:
    """The name as the dedupe rule compares it: width-folded, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def phone_visible(*, viewer_id: int, may_see_all: bool, owner_id: int | None) -> bool:
    """The seed's rule (2.2.1): a rep sees the numbers of their own customers only; roles
    granted customers.phone:view see every number; pool customers (no owner) never show one."""
    if owner_id is None:
        return False
    return may_see_all or owner_id == viewer_id


def transfer_targets(owners: dict[int, int | None], to_staff_id: int) -> list[int]:
    """The customers that actually change hands (those already with the target stay put)."""
    return sorted(cid for cid, owner in owners.items() if owner != to_staff_id)
