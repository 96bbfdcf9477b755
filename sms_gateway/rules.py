"""Pure decisions of the gateway: report matching (gsm.md §3.6) and error classes (§1.6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sms_gateway.pdu import StatusReport, normalize_cn_msisdn

REPORT_WINDOW = timedelta(seconds=600)


@dataclass(frozen=True, slots=True)
class SentPart:
    """What is kept per part when ``+CMGS: <mr>`` arrives; ``modem`` is the SIM's IMSI."""

    modem: str
    message_reference: int
    recipient: str
    submitted_at: datetime
    part_id: int


def match_status_report(
    modem: str,
    report: StatusReport,
    sent: Iterable[SentPart],
    *,
    window: timedelta = REPORT_WINDOW,
) -> SentPart | None:
    """The newest part with the same (modem, MR, recipient) submitted within ``window`` of the
    report's SCTS. MR is 8-bit and wraps every 256 parts, so MR alone is never enough."""
    recipient = normalize_cn_msisdn(report.recipient)
    candidates = [
        part
        for part in sent
        if part.modem == modem
        and part.message_reference == report.message_reference
        and normalize_cn_msisdn(part.recipient) == recipient
        and abs(report.timestamp - part.submitted_at) < window
    ]
    return max(candidates, key=lambda part: part.submitted_at, default=None)


class ErrorClass(StrEnum):
    PERMANENT = "permanent"
    TRANSIENT = "transient"
    MODEM = "modem"
    BUG = "bug"


_CMS_CLASSES: dict[ErrorClass, frozenset[int]] = {
    ErrorClass.PERMANENT: frozenset({1, 10, 21, 27, 28, 29, 30}),
    ErrorClass.TRANSIENT: frozenset({38, 41, 42, 47, 314, 331, 332, 500}),
    ErrorClass.MODEM: frozenset({8, 50, 69, 300, 310, 311, 313, 316, 330}),
    ErrorClass.BUG: frozenset({96, 97, 98, 99, 111, 302, 303, 304, 305}),
}


def classify_cms(code: int | None) -> ErrorClass:
    """Retry class of a ``+CMS ERROR`` code; unknown and vendor codes (512+) count as transient."""
    for error_class, codes in _CMS_CLASSES.items():
        if code in codes:
            return error_class
    return ErrorClass.TRANSIENT
