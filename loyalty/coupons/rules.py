"""Pure coupon rules: unguessable codes, validity windows, what a coupon takes off an order."""

import secrets
from datetime import datetime, timedelta

from loyalty.coupons.models import CouponKind

# No 0/O, 1/I/L: codes are read aloud and typed at the till. 12 of 31 symbols ≈ 59 bits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_MAX_LENGTH = 32  # the Coupon.code column: a longer typed code cannot match


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    return typed.strip().upper().replace(" ", "").replace("-", "")


def validity(
    *,
    now: datetime,
    valid_from: datetime | None,
    valid_until: datetime | None,
    valid_days: int | None,
) -> tuple[datetime, datetime]:
    """Fixed window if the template has one, else valid_days from issue."""
    if valid_days is not None:
        return now, now + timedelta(days=valid_days)
    assert valid_until is not None
    return valid_from or now, valid_until


def discount_fen(
    *, kind: CouponKind, amount_fen: int, amount_off_fen: int, discount_percent: int
) -> int:
    """Fen taken off an order; never more than the order. Gift coupons take nothing off."""
    if kind == CouponKind.AMOUNT_OFF:
        return min(amount_off_fen, amount_fen)
    if kind == CouponKind.DISCOUNT:
        return amount_fen - amount_fen * discount_percent // 100
    return 0
