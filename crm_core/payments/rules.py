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
