"""Unsolicited result codes: classification and parsing."""

from __future__ import annotations

import csv
from dataclasses import dataclass

_URC_PREFIXES = (
    "+CMTI:",
    "+CMT:",
    "+CDS:",
    "+CDSI:",
    "RING",
    "+CRING:",
    "+CLIP:",
    "+CREG:",
    "+CEREG:",
    "+CGREG:",
    "NO CARRIER",
    "RDY",
    "+CFUN:",
    "+CPIN:",
    "+QIND:",
    "SMS DONE",
    "SMS READY",
    "CALL READY",
    "+CUSD:",
    "+SIMCARD:",
    "#STN:",
    "+SPNWNAME",
    "+PSBEARER",
)
# +CMT and +CDS carry the PDU on the following line.
TWO_LINE_URCS = ("+CMT:", "+CDS:")
REGISTRATION_PREFIXES = ("+CREG:", "+CEREG:", "+CGREG:")


@dataclass(frozen=True, slots=True)
class NewMessageIndication:
    storage: str
    index: int


@dataclass(frozen=True, slots=True)
class StatusReportIndication:
    storage: str
    index: int


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    tpdu_length: int
    pdu_hex: str


@dataclass(frozen=True, slots=True)
class IncomingStatusReport:
    tpdu_length: int
    pdu_hex: str


@dataclass(frozen=True, slots=True)
class Ring:
    pass


@dataclass(frozen=True, slots=True)
class CallerId:
    number: str
    number_type: int


@dataclass(frozen=True, slots=True)
class RegistrationChange:
    kind: str
    stat: int


@dataclass(frozen=True, slots=True)
class OtherUrc:
    line: str


@dataclass(frozen=True, slots=True)
class Disconnected:
    reason: str


Urc = (
    NewMessageIndication
    | StatusReportIndication
    | IncomingMessage
    | IncomingStatusReport
    | Ring
    | CallerId
    | RegistrationChange
    | OtherUrc
    | Disconnected
)


def is_urc(line: str) -> bool:
    upper = line.upper()
    return upper.startswith(_URC_PREFIXES) or upper.startswith(("^", "+Z"))


def split_fields(rest: str) -> list[str]:
    """Comma-separated fields, commas inside quotes kept; quotes stripped."""
    if not rest:
        return []
    return [field.strip() for field in next(csv.reader([rest], skipinitialspace=True))]


def _after_colon(line: str) -> str:
    return line.split(":", 1)[1].strip() if ":" in line else ""


def _int(value: str, default: int = -1) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def is_registration_response(line: str) -> bool:
    """``+CREG: <n>,<stat>[,...]`` answers a query; the URC ``+CREG: <stat>[,"lac",...]``
    has one field fewer, so an unquoted second field marks the response."""
    raw = _after_colon(line).split(",")
    return len(raw) >= 2 and raw[1].strip().isdigit()


def parse_urc(line: str, data_line: str | None = None) -> Urc:
    upper = line.upper()
    fields = split_fields(_after_colon(line))
    if upper.startswith(("+CMTI:", "+CDSI:")) and len(fields) >= 2:
        cls = NewMessageIndication if upper.startswith("+CMTI:") else StatusReportIndication
        return cls(fields[0], _int(fields[1]))
    if upper.startswith(TWO_LINE_URCS) and data_line is not None:
        length = _int(fields[-1]) if fields else -1
        if upper.startswith("+CMT:"):
            return IncomingMessage(length, data_line)
        return IncomingStatusReport(length, data_line)
    if upper == "RING" or upper.startswith("+CRING:"):
        return Ring()
    if upper.startswith("+CLIP:") and fields:
        return CallerId(fields[0], _int(fields[1], 129) if len(fields) > 1 else 129)
    if upper.startswith(REGISTRATION_PREFIXES) and fields:
        return RegistrationChange(upper[1 : upper.index(":")], _int(fields[0]))
    return OtherUrc(line)
