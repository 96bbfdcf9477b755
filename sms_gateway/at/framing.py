"""Turn a byte stream from the modem into lines and ``> `` prompts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    text: str


@dataclass(frozen=True, slots=True)
class Prompt:
    pass


Event = Line | Prompt


class Framer:
    """Splits on CR or LF (some modems end lines with ``\\n`` only) and spots the SMS prompt.

    The prompt ``\\r\\n> `` has no trailing CRLF, so it is recognised as a partial line. A bare
    ``>`` counts only while a prompt is expected, because it could start an ordinary line.
    """

    def __init__(self, awaiting_prompt: Callable[[], bool]) -> None:
        self._awaiting_prompt = awaiting_prompt
        self._partial = bytearray()

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        for byte in data:
            if byte in (0x0D, 0x0A):
                if self._partial.strip():
                    # Latin-1 never fails: a stray non-UTF-8 byte must not kill the reader.
                    events.append(Line(self._partial.decode("latin-1").strip()))
                self._partial.clear()
                continue
            self._partial.append(byte)
            if self._is_prompt():
                self._partial.clear()
                events.append(Prompt())
        return events

    def _is_prompt(self) -> bool:
        if self._partial == b"> ":
            return True
        return self._partial == b">" and self._awaiting_prompt()
