"""GSM 03.38 default alphabet with the extension table, and septet packing."""

from __future__ import annotations

ESCAPE = 0x1B

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

_BASIC_INDEX = {char: code for code, char in enumerate(BASIC) if code != ESCAPE}
_EXTENSION_CHARS = {code: char for char, code in EXTENSION.items()}

assert len(BASIC) == 128


def char_septets(char: str) -> tuple[int, ...] | None:
    """The septets of one character, or None when it is not in the GSM-7 alphabet."""
    code = _BASIC_INDEX.get(char)
    if code is not None:
        return (code,)
    extension = EXTENSION.get(char)
    if extension is not None:
        return (ESCAPE, extension)
    return None


def is_gsm7(text: str) -> bool:
    return all(char_septets(char) is not None for char in text)


def encode(text: str) -> list[int]:
    septets: list[int] = []
    for char in text:
        encoded = char_septets(char)
        if encoded is None:
            raise ValueError(f"{char!r} is not in the GSM-7 alphabet")
        septets.extend(encoded)
    return septets


def decode(septets: list[int]) -> str:
    chars: list[str] = []
    escaped = False
    for septet in septets:
        if escaped:
            # An unknown extension code displays as its basic-table character (23.038 §6.2.1.1).
            chars.append(_EXTENSION_CHARS.get(septet, BASIC[septet]))
            escaped = False
        elif septet == ESCAPE:
            escaped = True
        else:
            chars.append(BASIC[septet])
    return "".join(chars)


def pack(septets: list[int], fill_bits: int = 0) -> bytes:
    """Pack septets LSB-first, after ``fill_bits`` zero bits (the padding behind a UDH)."""
    value = 0
    for index, septet in enumerate(septets):
        value |= (septet & 0x7F) << (fill_bits + 7 * index)
    length = (fill_bits + 7 * len(septets) + 7) // 8
    return value.to_bytes(length, "little")


def unpack(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    if (fill_bits + 7 * count + 7) // 8 > len(data):
        raise ValueError("user data shorter than its septet count")
    value = int.from_bytes(data, "little")
    return [(value >> (fill_bits + 7 * index)) & 0x7F for index in range(count)]
