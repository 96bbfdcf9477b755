"""Mobile-terminated PDUs: SMS-DELIVER (inbound text) and SMS-STATUS-REPORT (delivery report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sms_gateway.errors import PduDecodeError
from sms_gateway.pdu.fields import (
    ConcatInfo,
    decode_address,
    decode_smsc,
    decode_timestamp,
    encode_address,
    encode_smsc,
    encode_timestamp,
)
from sms_gateway.pdu.userdata import (
    Alphabet,
    alphabet_from_dcs,
    dcs_for,
    decode_user_data,
    encode_user_data,
    split_text,
)

MTI_DELIVER = 0x00
MTI_STATUS_REPORT = 0x02
MMS = 0x04  # TP-MMS set means "no more messages waiting"
UDHI = 0x40


class DeliveryState(StrEnum):
    DELIVERED = "delivered"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Deliver:
    smsc: str | None
    originator: str
    timestamp: datetime
    pid: int
    dcs: int
    alphabet: Alphabet
    text: str
    concat: ConcatInfo | None


@dataclass(frozen=True, slots=True)
class StatusReport:
    smsc: str | None
    message_reference: int
    recipient: str
    timestamp: datetime
    discharge_time: datetime
    status: int

    @property
    def state(self) -> DeliveryState:
        """23.040 §9.2.3.15: 0x00-0x1F done, 0x20-0x3F still trying, 0x40 and up failed."""
        if self.status < 0x20:
            return DeliveryState.DELIVERED
        if self.status < 0x40:
            return DeliveryState.PENDING
        return DeliveryState.FAILED


def _tpdu_start(data: bytes, tpdu_length: int | None) -> tuple[str | None, int]:
    """Some modems put the SCA in front of a ``+CDS``/``+CMT`` PDU, some do not (§1.4)."""
    if tpdu_length is not None and len(data) == tpdu_length:
        return None, 0
    return decode_smsc(data)


def _hex(pdu_hex: str) -> bytes:
    try:
        return bytes.fromhex(pdu_hex.strip())
    except ValueError as exc:
        raise PduDecodeError(f"not hex: {pdu_hex[:40]!r}") from exc


def decode_deliver(pdu_hex: str, *, tpdu_length: int | None = None) -> Deliver:
    data = _hex(pdu_hex)
    try:
        smsc, position = _tpdu_start(data, tpdu_length)
        first_octet = data[position]
        if first_octet & 0x03 != MTI_DELIVER:
            raise PduDecodeError(f"MTI {first_octet & 0x03} is not SMS-DELIVER")
        originator, position = decode_address(data, position + 1)
        pid, dcs = data[position], data[position + 1]
        timestamp = decode_timestamp(data[position + 2 : position + 9])
        udl = data[position + 9]
        alphabet = alphabet_from_dcs(dcs)
        text, concat = decode_user_data(
            data[position + 10 :], udl, alphabet, has_header=bool(first_octet & UDHI)
        )
    except IndexError as exc:
        raise PduDecodeError("SMS-DELIVER truncated") from exc
    return Deliver(smsc, originator, timestamp, pid, dcs, alphabet, text, concat)


def decode_status_report(pdu_hex: str, *, tpdu_length: int | None = None) -> StatusReport:
    data = _hex(pdu_hex)
    try:
        smsc, position = _tpdu_start(data, tpdu_length)
        first_octet = data[position]
        if first_octet & 0x03 != MTI_STATUS_REPORT:
            raise PduDecodeError(f"MTI {first_octet & 0x03} is not SMS-STATUS-REPORT")
        reference = data[position + 1]
        recipient, position = decode_address(data, position + 2)
        timestamp = decode_timestamp(data[position : position + 7])
        discharge_time = decode_timestamp(data[position + 7 : position + 14])
        status = data[position + 14]
    except IndexError as exc:
        raise PduDecodeError("SMS-STATUS-REPORT truncated") from exc
    return StatusReport(smsc, reference, recipient, timestamp, discharge_time, status)


def encode_deliver(
    originator: str,
    text: str,
    *,
    timestamp: datetime,
    smsc: str | None = None,
    concat_reference: int = 0,
) -> list[tuple[int, str]]:
    """(TPDU length, hex with SCA) per part; used by the simulator to fake inbound SMS."""
    alphabet, chunks = split_text(text)
    total = len(chunks)
    sca = encode_smsc(smsc)
    parts: list[tuple[int, str]] = []
    for sequence, chunk in enumerate(chunks, start=1):
        concat = ConcatInfo(concat_reference, total, sequence) if total > 1 else None
        udl, user_data = encode_user_data(chunk, alphabet, concat)
        tpdu = bytearray([MTI_DELIVER | MMS | (UDHI if concat else 0)])
        tpdu += encode_address(originator)
        tpdu += bytes([0x00, dcs_for(alphabet)])
        tpdu += encode_timestamp(timestamp)
        tpdu.append(udl)
        tpdu += user_data
        parts.append((len(tpdu), (sca + tpdu).hex().upper()))
    return parts


def encode_status_report(
    message_reference: int,
    recipient: str,
    *,
    timestamp: datetime,
    discharge_time: datetime,
    status: int,
    smsc: str | None = None,
) -> tuple[int, str]:
    tpdu = bytearray([MTI_STATUS_REPORT | MMS, message_reference])
    tpdu += encode_address(recipient)
    tpdu += encode_timestamp(timestamp) + encode_timestamp(discharge_time)
    tpdu.append(status)
    return len(tpdu), (encode_smsc(smsc) + tpdu).hex().upper()
