"""Field codecs shared by SUBMIT, DELIVER and STATUS-REPORT (3GPP TS 23.040 §9)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sms_gateway.errors import InvalidNumberError, PduDecodeError
from sms_gateway.pdu import gsm7

TOA_INTERNATIONAL = 0x91
TOA_NATIONAL = 0x81
TOA_ALPHANUMERIC = 0xD0

_CN_MOBILE = re.compile(r"1[3-9]\d{9}")
_DIGITS = re.compile(r"\+?\d{1,20}")


def normalize_cn_msisdn(number: str) -> str:
    """E.164 for Chinese mobiles (``+86…``); other numbers are returned stripped, unchanged."""
    compact = re.sub(r"[\s\-()]", "", number)
    if compact.startswith("0086"):
        compact = "+86" + compact[4:]
    elif compact.startswith("86") and _CN_MOBILE.fullmatch(compact[2:]):
        compact = "+" + compact
    elif _CN_MOBILE.fullmatch(compact):
        compact = "+86" + compact
    if not _DIGITS.fullmatch(compact):
        raise InvalidNumberError(f"not a phone number: {number!r}")
    return compact


def swap_semi_octets(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex("".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2)))


def unswap_semi_octets(data: bytes) -> str:
    text = "".join(f"{byte & 0x0F:X}{byte >> 4:X}" for byte in data)
    return text.rstrip("F")


def encode_address(number: str) -> bytes:
    """TP-DA/TP-OA/TP-RA: length in digits, TOA, swapped BCD."""
    normalized = normalize_cn_msisdn(number)
    digits = normalized.lstrip("+")
    toa = TOA_INTERNATIONAL if normalized.startswith("+") else TOA_NATIONAL
    return bytes([len(digits), toa]) + swap_semi_octets(digits)


def decode_address(data: bytes, offset: int) -> tuple[str, int]:
    """Returns the address and the offset just after it."""
    digit_count, toa = data[offset], data[offset + 1]
    octets = (digit_count + 1) // 2
    body = data[offset + 2 : offset + 2 + octets]
    if len(body) != octets:
        raise PduDecodeError("address runs past the end of the PDU")
    end = offset + 2 + octets
    if toa & 0x70 == 0x50:
        return gsm7.decode(gsm7.unpack(body, digit_count * 4 // 7)), end
    digits = unswap_semi_octets(body)[:digit_count]
    return ("+" + digits if toa & 0x70 == 0x10 else digits), end


def encode_smsc(number: str | None) -> bytes:
    """The SCA field in front of the TPDU; ``00`` means "use the SMSC stored on the SIM"."""
    if not number:
        return b"\x00"
    normalized = normalize_cn_msisdn(number)
    toa = TOA_INTERNATIONAL if normalized.startswith("+") else TOA_NATIONAL
    body = bytes([toa]) + swap_semi_octets(normalized.lstrip("+"))
    return bytes([len(body)]) + body


def decode_smsc(data: bytes) -> tuple[str | None, int]:
    length = data[0]
    if length == 0:
        return None, 1
    toa, digits = data[1], unswap_semi_octets(data[2 : 1 + length])
    return ("+" + digits if toa & 0x70 == 0x10 else digits), 1 + length


def encode_timestamp(moment: datetime) -> bytes:
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("timestamps must be timezone-aware")
    quarters = int(offset.total_seconds()) // 900
    digits = moment.strftime("%y%m%d%H%M%S") + f"{abs(quarters):02d}"
    encoded = bytearray(swap_semi_octets(digits))
    if quarters < 0:
        encoded[-1] |= 0x08
    return bytes(encoded)


def decode_timestamp(data: bytes) -> datetime:
    if len(data) != 7:
        raise PduDecodeError("timestamp must be 7 octets")
    fields = [(byte & 0x0F) * 10 + (byte >> 4) for byte in data[:6]]
    tz_byte = data[6]
    quarters = (tz_byte & 0x07) * 10 + (tz_byte >> 4)
    if tz_byte & 0x08:
        quarters = -quarters
    year, month, day, hour, minute, second = fields
    try:
        return datetime(
            2000 + year,
            month,
            day,
            hour,
            minute,
            second,
            tzinfo=timezone(timedelta(minutes=15 * quarters)),
        )
    except ValueError as exc:
        raise PduDecodeError(f"bad timestamp {data.hex()}") from exc


def relative_validity(duration: timedelta) -> int:
    """The smallest TP-VP (relative format) that covers ``duration``."""
    minutes = duration.total_seconds() / 60
    for vp in range(256):
        if validity_duration(vp).total_seconds() / 60 >= minutes:
            return vp
    return 255


def validity_duration(vp: int) -> timedelta:
    if vp <= 143:
        return timedelta(minutes=(vp + 1) * 5)
    if vp <= 167:
        return timedelta(hours=12, minutes=(vp - 143) * 30)
    if vp <= 196:
        return timedelta(days=vp - 166)
    return timedelta(weeks=vp - 192)


@dataclass(frozen=True, slots=True)
class ConcatInfo:
    """Concatenation IE of a UDH: IEI 0x00 (8-bit reference) or 0x08 (16-bit reference)."""

    reference: int
    total: int
    sequence: int
    ref16: bool = False

    def header(self) -> bytes:
        if self.ref16:
            return (
                bytes([6, 0x08, 4])
                + self.reference.to_bytes(2, "big")
                + bytes([self.total, self.sequence])
            )
        return bytes([5, 0x00, 3, self.reference, self.total, self.sequence])


def parse_udh(header: bytes) -> ConcatInfo | None:
    """``header`` excludes the UDHL octet. Other IEs (ports, formatting) are skipped."""
    position = 0
    concat: ConcatInfo | None = None
    while position + 2 <= len(header):
        iei, length = header[position], header[position + 1]
        value = header[position + 2 : position + 2 + length]
        if iei == 0x00 and length == 3:
            concat = ConcatInfo(value[0], value[1], value[2])
        elif iei == 0x08 and length == 4:
            concat = ConcatInfo(int.from_bytes(value[:2], "big"), value[2], value[3], ref16=True)
        position += 2 + length
    return concat
