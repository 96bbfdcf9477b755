"""Alphabet choice, splitting into parts, and TP-UD encoding/decoding."""

from __future__ import annotations

from enum import StrEnum

from sms_gateway.errors import MessageTooLongError, PduDecodeError
from sms_gateway.pdu import gsm7
from sms_gateway.pdu.fields import ConcatInfo, parse_udh

MAX_UD_OCTETS = 140
MAX_PARTS = 255


class Alphabet(StrEnum):
    GSM7 = "gsm7"
    DATA8 = "8bit"
    UCS2 = "ucs2"


_DCS = {Alphabet.GSM7: 0x00, Alphabet.DATA8: 0x04, Alphabet.UCS2: 0x08}


def dcs_for(alphabet: Alphabet) -> int:
    return _DCS[alphabet]


def alphabet_from_dcs(dcs: int) -> Alphabet:
    group = dcs >> 4
    if group <= 0x07:
        if dcs & 0x20:
            raise PduDecodeError("compressed user data is not supported")
        return (Alphabet.GSM7, Alphabet.DATA8, Alphabet.UCS2, Alphabet.GSM7)[(dcs >> 2) & 0x03]
    if group == 0x0F:
        return Alphabet.DATA8 if dcs & 0x04 else Alphabet.GSM7
    if group == 0x0E:
        return Alphabet.UCS2
    if group in (0x0C, 0x0D):
        return Alphabet.GSM7
    raise PduDecodeError(f"reserved data coding scheme {dcs:#04x}")


def choose_alphabet(text: str) -> Alphabet:
    return Alphabet.GSM7 if gsm7.is_gsm7(text) else Alphabet.UCS2


def _units(char: str, alphabet: Alphabet) -> int:
    if alphabet is Alphabet.GSM7:
        return len(gsm7.char_septets(char) or ())
    return len(char.encode("utf-16-be")) // 2


def part_capacity(alphabet: Alphabet, *, concatenated: bool, ref16: bool = False) -> int:
    """Septets (GSM-7) or UTF-16 units (UCS2) that fit in one part."""
    udh_octets = (7 if ref16 else 6) if concatenated else 0
    if alphabet is Alphabet.GSM7:
        return (MAX_UD_OCTETS * 8 - udh_octets * 8) // 7
    return (MAX_UD_OCTETS - udh_octets) // 2


def split_text(text: str, *, ref16: bool = False) -> tuple[Alphabet, list[str]]:
    """Chunks that never split an ESC pair or a surrogate pair across parts."""
    alphabet = choose_alphabet(text)
    sizes = [_units(char, alphabet) for char in text]
    if sum(sizes) <= part_capacity(alphabet, concatenated=False):
        return alphabet, [text]
    capacity = part_capacity(alphabet, concatenated=True, ref16=ref16)
    chunks: list[str] = []
    start, used = 0, 0
    for index, size in enumerate(sizes):
        if used + size > capacity:
            chunks.append(text[start:index])
            start, used = index, 0
        used += size
    chunks.append(text[start:])
    if len(chunks) > MAX_PARTS:
        raise MessageTooLongError(f"{len(chunks)} parts exceed the limit of {MAX_PARTS}")
    return alphabet, chunks


def _fill_bits(udh_octets: int) -> int:
    return (7 - (udh_octets * 8) % 7) % 7


def encode_user_data(
    chunk: str | bytes, alphabet: Alphabet, concat: ConcatInfo | None
) -> tuple[int, bytes]:
    """Returns (TP-UDL, TP-UD); UDL counts septets for GSM-7 and octets otherwise."""
    header = concat.header() if concat else b""
    if alphabet is Alphabet.GSM7:
        assert isinstance(chunk, str)
        septets = gsm7.encode(chunk)
        fill = _fill_bits(len(header))
        header_septets = (len(header) * 8 + fill) // 7
        return header_septets + len(septets), header + gsm7.pack(septets, fill)
    payload = chunk.encode("utf-16-be") if isinstance(chunk, str) else chunk
    return len(header) + len(payload), header + payload


def decode_user_data(
    data: bytes, udl: int, alphabet: Alphabet, *, has_header: bool
) -> tuple[str, ConcatInfo | None]:
    concat: ConcatInfo | None = None
    header_octets = 0
    if has_header:
        if not data:
            raise PduDecodeError("UDHI set but user data is empty")
        header_octets = data[0] + 1
        concat = parse_udh(data[1:header_octets])
    if alphabet is Alphabet.GSM7:
        fill = _fill_bits(header_octets)
        header_septets = (header_octets * 8 + fill) // 7
        try:
            septets = gsm7.unpack(data[header_octets:], udl - header_septets, fill)
        except ValueError as exc:
            raise PduDecodeError(str(exc)) from exc
        return gsm7.decode(septets), concat
    payload = data[header_octets:udl]
    if len(payload) != udl - header_octets:
        raise PduDecodeError("user data shorter than its length")
    if alphabet is Alphabet.DATA8:
        return payload.decode("latin-1"), concat
    return payload.decode("utf-16-be", errors="replace"), concat
