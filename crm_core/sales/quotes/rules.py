"""Pure rules of quotes: line amounts and totals in integer fen, numbers, status moves.

Rounding: a line's discount is gross × rate (basis points, 1/10000), rounded half up to the fen
and taken off the gross; the subtotal is the sum of line amounts; the whole-quote discount is an
amount in fen, at most the subtotal; the total is the subtotal less it. No other rounding.
"""

from collections.abc import Sequence
from datetime import date

from crm_core.sales.quotes.models import QuoteStatus

FULL = 10_000
COLUMNS = {
    "index": "序号",
    "code": "编码",
    "name": "产品名称",
    "spec": "规格",
    "unit": "单位",
    "quantity": "数量",
    "unit_price": "单价（元）",
    "discount": "折扣",
    "amount": "金额（元）",
}
DEFAULT_COLUMNS = list(COLUMNS)
REQUIRED_COLUMNS = ("name", "quantity", "amount")
MOVES: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    QuoteStatus.DRAFT: frozenset({QuoteStatus.SENT}),
    QuoteStatus.SENT: frozenset(
        {QuoteStatus.ACCEPTED, QuoteStatus.REJECTED, QuoteStatus.EXPIRED, QuoteStatus.DRAFT}
    ),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.REJECTED: frozenset(),
    QuoteStatus.EXPIRED: frozenset(),
}


def line_amount(quantity: int, unit_price_fen: int, discount_bp: int) -> int:
    gross = quantity * unit_price_fen
    return gross - (gross * discount_bp + FULL // 2) // FULL


def totals(lines: Sequence[tuple[int, int, int]], discount_fen: int) -> tuple[int, int]:
    """(subtotal, total) of (quantity, unit price, discount bp) lines. Raises ValueError when
    the whole-quote discount exceeds the subtotal."""
    subtotal = sum(line_amount(*line) for line in lines)
    if not 0 <= discount_fen <= subtotal:
        raise ValueError("discount exceeds subtotal")
    return subtotal, subtotal - discount_fen


def number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:04d}"


def may_move(current: QuoteStatus, target: QuoteStatus) -> bool:
    return target in MOVES[current]


def is_past(valid_until: date, today: date) -> bool:
    return valid_until < today


def yuan(fen: int) -> str:
    """1234550 → '12,345.50' (fen are exact: no float on the way)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def rate_label(discount_bp: int) -> str:
    """The discount as Chinese shops print it: 1500 bp off → '8.5折'; none → ''."""
    if discount_bp == 0:
        return ""
    left = FULL - discount_bp
    tenths = f"{left / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{tenths}折"


def clean_columns(columns: Sequence[str]) -> list[str] | None:
    """The columns in the order given, or None when one is unknown, repeated or a required one
    is missing."""
    if len(set(columns)) != len(columns) or any(c not in COLUMNS for c in columns):
        return None
    if any(c not in columns for c in REQUIRED_COLUMNS):
        return None
    return list(columns)
