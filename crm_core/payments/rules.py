"""Pure rules of the cash side: request fingerprints, proof sniffing, period arithmetic."""

import hashlib
import json
from collections.abc import Iterable
from datetime import date, timedelta

# Magic numbers of the proof types we accept; the client's content type is never trusted.
PROOF_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}
MAX_PERIOD_DAYS = 366


def request_hash(values: dict[str, object]) -> str:
    """The fingerprint of a write: a replayed key must carry the same request."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in PROOF_TYPES.items() if head.startswith(magic)), None)


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def period_ok(start: date, end: date) -> bool:
    return start <= end and (end - start).days < MAX_PERIOD_DAYS


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def summarise(opening: int, movements: Iterable[int]) -> tuple[int, int, int, int]:
    """(opening, in, out, closing) of a period; out is a positive figure."""
    amounts = list(movements)
    money_in = sum(a for a in amounts if a > 0)
    money_out = -sum(a for a in amounts if a < 0)
    return opening, money_in, money_out, opening + money_in - money_out


# Receivables aging (应收账龄): 未到期, then days overdue up to each bound, then beyond.
AGING_LABELS = ["未到期", "1–30 天", "31–60 天", "61–90 天", ">90 天"]
AGING_BOUNDS = (0, 30, 60, 90)


def aging_bucket(due_on: date, today: date) -> int:
    overdue = (today - due_on).days
    return next((i for i, bound in enumerate(AGING_BOUNDS) if overdue <= bound), len(AGING_BOUNDS))


def instalment_status(amount: int, paid: int, due_on: date, today: date) -> str:
    """已回款 once confirmed receipts cover it; past its due date otherwise 已逾期; 部分回款
    when some came in before the due date; else 未到期."""
    if paid >= amount:
        return "paid"
    if due_on < today:
        return "overdue"
    return "partial" if paid > 0 else "not_due"


def reminder_kind(due_on: date, today: date, within_days: int) -> str | None:
    """overdue once past due; due_soon within the window (today included); else none."""
    if due_on < today:
        return "overdue"
    return "due_soon" if (due_on - today).days <= within_days else None
