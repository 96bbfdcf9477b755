"""One serial port, one reader thread, one outstanding command at a time."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from sms_gateway.at.framing import Framer, Line, Prompt
from sms_gateway.at.urc import (
    REGISTRATION_PREFIXES,
    TWO_LINE_URCS,
    Disconnected,
    OtherUrc,
    Urc,
    is_registration_response,
    is_urc,
    parse_urc,
)
from sms_gateway.errors import (
    AtError,
    AtTimeoutError,
    CmeError,
    CmsError,
    CommandError,
    MissingSubmitResultError,
    ModemDisconnectedError,
    PromptTimeoutError,
    SendOutcomeUnknownError,
)

logger = logging.getLogger(__name__)

CTRL_Z = b"\x1a"
ESC = b"\x1b"
_FINALS = ("OK", "ERROR", "COMMAND NOT SUPPORT")
_FINAL_PREFIXES = ("+CMS ERROR", "+CME ERROR", "MODEM ERROR")


@dataclass
class _Pending:
    command: str
    expect: tuple[str, ...]
    data_lines: bool
    awaiting_prompt: bool = False
    prompted: bool = False
    take_data_line: bool = False
    lines: list[str] = field(default_factory=list)
    final: str | None = None


def is_final(line: str) -> bool:
    upper = line.upper()
    return upper in _FINALS or upper.startswith(_FINAL_PREFIXES)


def error_for_final(final: str, command: str) -> AtError | None:
    """None for ``OK``; otherwise the typed error a final result code stands for."""
    upper = final.upper()
    if upper == "OK":
        return None
    for prefix, cls in (("+CMS ERROR", CmsError), ("+CME ERROR", CmeError)):
        if upper.startswith(prefix):
            value = final.split(":", 1)[1].strip() if ":" in final else ""
            number = int(value) if value.isdigit() else None
            return cls(number, final, command=command)
    return CommandError(final, command=command)


class AtSession:
    """Frames the byte stream, routes URCs to ``urcs`` and answers one command at a time.

    URCs are only queued here: running a command from the reader thread would deadlock it.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        rtscts: bool = False,
        write_chunk_size: int = 0,
        write_chunk_delay: float = 0.0,
        urcs: queue.Queue[Urc] | None = None,
    ) -> None:
        self.url = url
        self.urcs: queue.Queue[Urc] = urcs if urcs is not None else queue.Queue()
        self._baudrate = baudrate
        self._rtscts = rtscts
        self._write_chunk_size = write_chunk_size
        self._write_chunk_delay = write_chunk_delay
        self._port: serial.SerialBase | None = None
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self._command_lock = threading.Lock()
        self._cond = threading.Condition()
        self._pending: _Pending | None = None
        self._urc_header: str | None = None
        self._disconnected: str | None = None
        self._framer = Framer(self._awaiting_prompt)

    def open(self) -> None:
        self._port = serial.serial_for_url(
            self.url, baudrate=self._baudrate, timeout=0.05, rtscts=self._rtscts, write_timeout=5
        )
        self._disconnected = None
        self._urc_header = None
        self._framer = Framer(self._awaiting_prompt)
        self._stop.clear()
        self._reader = threading.Thread(target=self._read_loop, name=f"at-reader {self.url}")
        self._reader.daemon = True
        self._reader.start()

    def close(self) -> None:
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout=2)
            self._reader = None
        if self._port is not None:
            try:
                self._port.close()
            except (serial.SerialException, OSError):
                logger.debug("closing %s failed", self.url, exc_info=True)
            self._port = None
        with self._cond:
            self._disconnected = self._disconnected or "closed"
            self._cond.notify_all()

    @property
    def connected(self) -> bool:
        return self._port is not None and self._disconnected is None

    def command(
        self,
        command: str,
        *,
        expect: tuple[str, ...] = (),
        timeout: float = 5.0,
        data_lines: bool = False,
    ) -> list[str]:
        """Run ``command`` and return its response lines (echo and URCs removed).

        ``expect`` names the response prefixes; with ``data_lines`` each such line is followed by
        a PDU line (``+CMGR``/``+CMGL``). Commands answering bare lines (``AT+CGMI``) pass none.
        """
        with self._command_lock:
            pending = self._begin(_Pending(command, expect, data_lines))
            try:
                self._write(command.encode("ascii") + b"\r")
                if not self._wait(lambda: pending.final is not None, timeout):
                    raise AtTimeoutError(f"no final result within {timeout}s", command=command)
            finally:
                self._end()
        assert pending.final is not None
        error = error_for_final(pending.final, command)
        if error is not None:
            raise error
        return pending.lines

    def send_pdu(
        self,
        tpdu_length: int,
        pdu_hex: str,
        *,
        prompt_timeout: float = 10.0,
        result_timeout: float = 120.0,
    ) -> int:
        """``AT+CMGS`` in PDU mode; returns the TP-MR the modem assigned."""
        command = f"AT+CMGS={tpdu_length}"
        with self._command_lock:
            pending = self._begin(_Pending(command, ("+CMGS:",), False, awaiting_prompt=True))
            try:
                return self._send_pdu(pending, pdu_hex, prompt_timeout, result_timeout)
            finally:
                self._end()

    def _send_pdu(
        self, pending: _Pending, pdu_hex: str, prompt_timeout: float, result_timeout: float
    ) -> int:
        command = pending.command
        self._write(command.encode("ascii") + b"\r")
        prompted = self._wait(lambda: pending.prompted or pending.final is not None, prompt_timeout)
        if not prompted:
            self._abort_prompt(pending)
            raise PromptTimeoutError(f"no prompt within {prompt_timeout}s", command=command)
        if pending.final is not None:
            raise error_for_final(pending.final, command) or CommandError(
                f"{pending.final} before the prompt", command=command
            )
        with self._cond:
            pending.awaiting_prompt = False
        self._write(pdu_hex.encode("ascii") + CTRL_Z)
        try:
            answered = self._wait(lambda: pending.final is not None, result_timeout)
        except ModemDisconnectedError as exc:
            raise SendOutcomeUnknownError(
                "port lost after the PDU was written", command=command, disconnected=True
            ) from exc
        if not answered:
            raise SendOutcomeUnknownError(f"no result within {result_timeout}s", command=command)
        assert pending.final is not None
        error = error_for_final(pending.final, command)
        if error is not None:
            raise error
        for line in pending.lines:
            # "+CMGS: <mr>[,<scts>|<ackpdu>]": only the first integer matters.
            value = line.split(":", 1)[1].split(",")[0].strip()
            if value.isdigit():
                return int(value)
        raise MissingSubmitResultError("OK without +CMGS", command=command)

    def _abort_prompt(self, pending: _Pending) -> None:
        """ESC cancels the pending input; the modem answers OK and sends nothing."""
        try:
            self._write(ESC)
            self._wait(lambda: pending.final is not None, 2.0)
        except AtError:
            logger.warning("abort after prompt timeout failed on %s", self.url)

    def write_raw(self, data: bytes) -> None:
        with self._command_lock:
            self._write(data)

    def _begin(self, pending: _Pending) -> _Pending:
        with self._cond:
            if self._disconnected is not None:
                raise ModemDisconnectedError(self._disconnected, command=pending.command)
            self._pending = pending
        return pending

    def _end(self) -> None:
        with self._cond:
            self._pending = None

    def _write(self, data: bytes) -> None:
        port = self._port
        if port is None or self._disconnected is not None:
            raise ModemDisconnectedError(self._disconnected or "port not open")
        chunk = self._write_chunk_size or len(data)
        try:
            for start in range(0, len(data), chunk):
                port.write(data[start : start + chunk])
                if self._write_chunk_delay and start + chunk < len(data):
                    time.sleep(self._write_chunk_delay)
        except (serial.SerialException, OSError) as exc:
            self._on_disconnect(str(exc))
            raise ModemDisconnectedError(str(exc)) from exc

    def _wait(self, done: Callable[[], bool], timeout: float) -> bool:
        """Wait against an absolute deadline: URC traffic must never extend it (gammu#392)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not done():
                if self._disconnected is not None:
                    raise ModemDisconnectedError(self._disconnected)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def _awaiting_prompt(self) -> bool:
        pending = self._pending
        return pending is not None and pending.awaiting_prompt

    def _read_loop(self) -> None:
        port = self._port
        assert port is not None
        while not self._stop.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError) as exc:
                # TypeError: pyserial's socket handler reading a socket closed under it.
                if not self._stop.is_set():
                    self._on_disconnect(str(exc))
                return
            if data:
                with self._cond:
                    for event in self._framer.feed(data):
                        self._dispatch(event)
                    self._cond.notify_all()

    def _on_disconnect(self, reason: str) -> None:
        with self._cond:
            if self._disconnected is None:
                self._disconnected = reason
                self.urcs.put(Disconnected(reason))
            self._cond.notify_all()

    def _dispatch(self, event: Line | Prompt) -> None:
        pending = self._pending
        if isinstance(event, Prompt):
            if pending is not None and pending.awaiting_prompt:
                pending.prompted = True
            return
        line = event.text
        if self._urc_header is not None:
            self.urcs.put(parse_urc(self._urc_header, line))
            self._urc_header = None
        elif pending is not None and pending.take_data_line:
            pending.lines.append(line)
            pending.take_data_line = False
        elif self._is_echo(line, pending):
            return
        elif pending is not None and is_final(line):
            pending.final = line
        elif pending is not None and self._is_response(line, pending):
            pending.lines.append(line)
            pending.take_data_line = pending.data_lines
        elif is_urc(line):
            if line.upper().startswith(TWO_LINE_URCS):
                self._urc_header = line
            else:
                self.urcs.put(parse_urc(line))
        elif pending is not None and not pending.expect:
            pending.lines.append(line)
        elif not is_final(line):
            self.urcs.put(OtherUrc(line))

    @staticmethod
    def _is_echo(line: str, pending: _Pending | None) -> bool:
        if "\x1a" in line or "\x1b" in line:
            return True
        if pending is not None:
            return line.upper() == pending.command.upper()
        return line.upper().startswith("AT")

    @staticmethod
    def _is_response(line: str, pending: _Pending) -> bool:
        upper = line.upper()
        if not any(upper.startswith(prefix.upper()) for prefix in pending.expect):
            return False
        if upper.startswith(REGISTRATION_PREFIXES):
            return is_registration_response(line)
        return True
