"""The simulated modem: input framing (§6.3), the AT+CMGS flow, a scheduler. One thread owns it."""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sms_gateway.errors import PduDecodeError
from sms_gateway.pdu import Submit, decode_submit
from sms_gateway.simulator.commands import execute
from sms_gateway.simulator.config import SimConfig
from sms_gateway.simulator.network import schedule_status_reports
from sms_gateway.simulator.state import (
    Call,
    ReportRecord,
    Settings,
    Storage,
    SubmitRecord,
)
from sms_gateway.simulator.transport import Endpoint

logger = logging.getLogger(__name__)

Injection = list[str] | Callable[[], None]
WHEN = ("before_prompt", "after_prompt", "before_final")


class SimError(Exception):
    def __init__(self, kind: str, number: int = 0) -> None:
        super().__init__(f"{kind} {number}")
        self.kind = kind
        self.number = number


@dataclass
class _Prompt:
    token: int
    length: int


class SimCore:
    def __init__(self, config: SimConfig, endpoint: Endpoint) -> None:
        self.config: SimConfig = config
        self.endpoint = endpoint
        self.rng = random.Random(config.seed)
        self.settings: Settings = Settings()
        self.storage = Storage(config.storage_capacity)
        self.sim_state, self.pin_code, self.sim_busy_until = "ready", "", 0.0
        self.pin_attempts = 0
        self.next_mr = config.mr_start % 256
        self.concat_counter = itertools.count(self.rng.randrange(256))
        self.next_results: deque[str] = deque()
        self.injections: dict[str, deque[Injection]] = {when: deque() for when in WHEN}
        self.ack_pending = False
        self.mt_backlog: deque[tuple[int, str]] = deque()
        self.stall_lines = 0
        self.stalled = False
        self.last_accept = 0.0
        self.submits: list[SubmitRecord] = []
        self.reports: list[ReportRecord] = []
        self.commands: list[tuple[float, str]] = []
        self.calls: list[Call] = []
        self._line_state = "command"
        self._prompt: _Prompt | None = None
        self._tokens = itertools.count(1)
        self._command_buffer = bytearray()
        self._pdu_buffer = bytearray()
        self._input = bytearray()
        self._output = bytearray()
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._apply_sim_knob()
        self.registration = config.registration

    def _apply_sim_knob(self) -> None:
        knob = self.config.sim
        if knob.startswith("pin:"):
            self.sim_state, self.pin_code = "pin", knob[4:]
        elif knob.startswith("busy_for:"):
            self.sim_state = "busy"
            self.sim_busy_until = self.now() + float(knob[9:]) * self.config.time_scale
        else:
            self.sim_state = knob

    def now(self) -> float:
        return time.monotonic()

    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        """``delay`` in simulated seconds."""
        due = self.now() + delay * self.config.time_scale
        heapq.heappush(self._timers, (due, next(self._sequence), action))

    def seconds_to_next_timer(self) -> float | None:
        return max(0.0, self._timers[0][0] - self.now()) if self._timers else None

    def run_due_timers(self) -> None:
        while self._timers and self._timers[0][0] <= self.now():
            _, _, action = heapq.heappop(self._timers)
            action()
            self.flush()

    def emit_raw(self, data: bytes) -> None:
        self._output += data

    def emit_line(self, line: str) -> None:
        ending = self.config.line_ending
        self._output += f"{ending}{line}{ending}".encode("latin-1", errors="replace")

    def emit_urc(self, lines: list[str]) -> None:
        for line in lines:
            self.emit_line(line)

    def flush(self) -> None:
        if self._output and self.endpoint.plugged:
            self.endpoint.write(bytes(self._output))
        self._output.clear()

    def error_line(self, kind: str, number: int) -> str:
        if kind == "error" or self.settings.cmee == 0:
            return "ERROR"
        return f"+{kind.upper()} ERROR: {number}"

    def feed(self, data: bytes) -> None:
        if self.stalled:
            return
        self._input += data
        self._process_input()
        self.flush()

    def _echo(self, byte: int) -> None:
        if self.settings.echo or self.config.echo_force:
            self._output.append(byte)

    def _process_input(self) -> None:
        while self._input and self._line_state != "sending":
            byte = self._input.pop(0)
            if self._line_state == "prompt":
                self._prompt_byte(byte)
                continue
            if self.stall_lines and byte == 0x0D:
                self.stall_lines -= 1
                self._command_buffer.clear()
                continue
            if self.stall_lines:
                continue
            self._echo(byte)
            if byte == 0x0D:
                line = self._command_buffer.decode("latin-1")
                self._command_buffer.clear()
                self._execute_line(line)
            elif byte not in (0x0A, 0x1A, 0x1B):
                self._command_buffer.append(byte)

    def _prompt_byte(self, byte: int) -> None:
        self._echo(byte)
        if byte == 0x1B:
            self._prompt = None
            self._line_state = "command"
            self._pdu_buffer.clear()
            self.emit_line("OK")
        elif byte == 0x1A:
            pdu_hex = self._pdu_buffer.decode("latin-1")
            self._pdu_buffer.clear()
            self._on_pdu(pdu_hex)
        elif byte not in (0x0D, 0x0A):
            self._pdu_buffer.append(byte)

    def _execute_line(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        self.commands.append((self.now(), text))
        if not text.upper().startswith("AT"):
            self.emit_line("ERROR")
            return
        for index, part in enumerate(_split_commands(text[2:])):
            if part.upper().startswith("+CMGS") and index == len(_split_commands(text[2:])) - 1:
                self._begin_submit(part[5:])
                return
            try:
                for response in execute(self, part):
                    self.emit_line(response)
            except SimError as exc:
                self.final(self.error_line(exc.kind, exc.number))
                return
        self.final("OK")

    def final(self, line: str) -> None:
        self.run_injections("before_final")
        self.emit_line(line)

    def run_injections(self, when: str) -> None:
        while self.injections[when]:
            injection = self.injections[when].popleft()
            if callable(injection):
                injection()
            else:
                self.emit_urc(injection)

    def _begin_submit(self, argument: str) -> None:
        match = re.fullmatch(r"=(\d+)", argument.strip())
        try:
            if self.settings.cmgf != 0:
                raise SimError("cms", 303)
            if match is None:
                raise SimError("cms", 304)
            self.require_sim("cms")
        except SimError as exc:
            self.final(self.error_line(exc.kind, exc.number))
            return
        prompt = _Prompt(next(self._tokens), int(match.group(1)))
        self._prompt = prompt
        self._line_state = "prompt"
        self.run_injections("before_prompt")
        if self.config.prompt_mode != "never":
            self.schedule(self.config.prompt_delay, lambda: self._show_prompt(prompt))

    def _show_prompt(self, prompt: _Prompt) -> None:
        if self._prompt is not prompt:
            return
        mode, ending = self.config.prompt_mode, self.config.line_ending
        if mode == "split":
            self.emit_raw(ending.encode())
            self.flush()
            self.emit_raw(b"> ")
        else:
            self.emit_raw(ending.encode() + (b">" if mode == "no_space" else b"> "))
        self.flush()
        self.run_injections("after_prompt")

    def _on_pdu(self, pdu_hex: str) -> None:
        prompt = self._prompt
        assert prompt is not None
        self._prompt = None
        self._line_state = "sending"
        if self.config.unplug_on_submit:
            self.flush()
            self.unplug()
            return
        try:
            data = bytes.fromhex(pdu_hex)
            if not data or len(data) - 1 - data[0] != prompt.length:
                raise PduDecodeError("length mismatch")
            decoded = decode_submit(pdu_hex)
        except (ValueError, PduDecodeError):
            self._finish_submit(self.error_line("cms", 304))
            return
        result = self._submit_result(decoded.destination)
        delay = self.config.submit_latency
        if self.config.send_rate:
            interval = self.config.time_scale / self.config.send_rate
            earliest = max(self.now(), self.last_accept + interval)
            self.last_accept = earliest
            delay = max(delay, (earliest - self.now()) / self.config.time_scale)
        record = (prompt.length, pdu_hex.upper(), decoded)
        self.schedule(delay, lambda: self._complete_submit(result, *record))

    def _submit_result(self, destination: str) -> str:
        if self.next_results:
            return self.next_results.popleft()
        if not self.config.smsc:
            return "cms:330"
        if self.registration not in (1, 5):
            return "cms:331"
        for pattern, code in self.config.errors_by_dest.items():
            if re.search(pattern, destination):
                return f"cms:{code}"
        return "ok"

    def _complete_submit(self, result: str, length: int, pdu_hex: str, decoded: Submit) -> None:
        if result == "timeout":
            self._line_state = "command"
            self._process_input()
            return
        if result == "ok":
            mr = self.next_mr
            self.next_mr = (mr + 1) % 256
            record = SubmitRecord(self.now(), mr, length, pdu_hex, decoded)
            self.submits.append(record)
            self.emit_line(f"+CMGS: {mr}")
            if decoded.status_report_requested and self.config.dlr_enabled:
                schedule_status_reports(self, record)
            self._finish_submit("OK")
        elif result == "ok_no_cmgs":
            self._finish_submit("OK")
        else:
            kind, _, number = result.partition(":")
            self._finish_submit(self.error_line(kind, int(number or 0)))

    def _finish_submit(self, final: str) -> None:
        self.final(final)
        self._line_state = "command"
        self._process_input()

    def require_sim(self, kind: str) -> None:
        if self.sim_state == "busy" and self.now() >= self.sim_busy_until:
            self.sim_state = "ready"
        codes = {"absent": (10, 310), "pin": (11, 311), "puk": (12, 316), "busy": (14, 314)}
        if self.sim_state in codes:
            cme, cms = codes[self.sim_state]
            raise SimError(kind, cme if kind == "cme" else cms)

    def reset_line_state(self) -> None:
        self._line_state = "command"
        self._prompt = None
        self._command_buffer.clear()
        self._pdu_buffer.clear()
        self._input.clear()

    def boot(self) -> None:
        """Factory defaults come back (echo on, CMEE 0), plus the profile's boot noise."""
        self.settings = Settings()
        self.reset_line_state()
        self.emit_raw(self.config.garbage_on_boot)
        self.emit_urc(list(self.config.boot_urcs))
        self.flush()

    def unplug(self) -> None:
        self._output.clear()
        self.endpoint.unplug()
        self.reset_line_state()

    @property
    def line_state(self) -> str:
        return self._line_state


def _split_commands(rest: str) -> list[str]:
    """``AT+CBC;+CSQ`` → ["+CBC", "+CSQ"]; semicolons inside quotes do not split."""
    parts = [part.strip() for part in re.findall(r'(?:[^;"]|"[^"]*")+', rest)]
    return [part for part in parts if part] or [""]
