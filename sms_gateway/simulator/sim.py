"""``ModemSim``: the public, thread-safe face of the simulator (reference gsm.md §6.7)."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import os
import select
import shutil
import tempfile
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sms_gateway.pdu import normalize_cn_msisdn
from sms_gateway.simulator import network
from sms_gateway.simulator.config import SimConfig
from sms_gateway.simulator.core import WHEN, SimCore
from sms_gateway.simulator.state import (
    Call,
    ReceivedMessage,
    ReportRecord,
    SubmitRecord,
    reassemble,
)
from sms_gateway.simulator.transport import Endpoint, PtyEndpoint, SocketEndpoint

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ModemSim:
    """A simulated modem served on a pty (default) or ``socket://127.0.0.1:<port>``.

    Every method may be called from any thread: it runs on the simulator thread and returns once
    done, so a knob set before a send is in force for that send.
    """

    def __init__(self, config: SimConfig | None = None, **knobs: Any) -> None:
        self.config = dataclasses.replace(config or SimConfig(), **knobs)
        self._directory = ""
        self._core: SimCore | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[tuple[Callable[[], Any], concurrent.futures.Future[Any]]] = []
        self._calls_lock = threading.Lock()
        self._wake_read, self._wake_write = -1, -1
        self._stopping = threading.Event()

    def start(self) -> str:
        """Start serving; returns the URL to give ``serial.serial_for_url``."""
        endpoint: Endpoint
        if self.config.transport == "socket":
            endpoint = SocketEndpoint()
        else:
            self._directory = tempfile.mkdtemp(prefix="modemsim-")
            endpoint = PtyEndpoint(os.path.join(self._directory, "modem"))
        core = SimCore(self.config, endpoint)
        core.boot()
        if self.config.profile == "huawei_like":
            core.schedule(self.config.vendor_urc_interval, lambda: network.vendor_urc_tick(core))
        self._core = core
        self._wake_read, self._wake_write = os.pipe()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"modemsim {endpoint.url}")
        self._thread.daemon = True
        self._thread.start()
        return endpoint.url

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stopping.set()
        os.write(self._wake_write, b"x")
        self._thread.join(timeout=5)
        self._thread = None
        assert self._core is not None
        self._core.endpoint.close()
        os.close(self._wake_read)
        os.close(self._wake_write)
        if self._directory:
            shutil.rmtree(self._directory, ignore_errors=True)

    def __enter__(self) -> ModemSim:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self._require_core().endpoint.url

    @property
    def device(self) -> str:
        """The current /dev/pts/N behind the stable ``url`` symlink (changes on replug)."""
        endpoint = self._require_core().endpoint
        return endpoint.device if isinstance(endpoint, PtyEndpoint) else endpoint.url

    def _require_core(self) -> SimCore:
        if self._core is None:
            raise RuntimeError("simulator not started")
        return self._core

    def _run(self) -> None:
        core = self._require_core()
        while not self._stopping.is_set():
            delay = core.seconds_to_next_timer()
            timeout = 0.2 if delay is None else min(delay, 0.2)
            fds = [self._wake_read, *core.endpoint.fds()]
            readable, _, _ = select.select(fds, [], [], timeout)
            if self._wake_read in readable:
                os.read(self._wake_read, 4096)
            self._run_calls()
            for fd in readable:
                if fd != self._wake_read and fd in core.endpoint.fds():
                    data = core.endpoint.read(fd)
                    if data:
                        core.feed(data)
            core.run_due_timers()
        self._run_calls()

    def _run_calls(self) -> None:
        with self._calls_lock:
            calls, self._calls = self._calls, []
        for function, future in calls:
            try:
                future.set_result(function())
            except Exception as exc:
                future.set_exception(exc)
            self._require_core().flush()

    def call(self, function: Callable[[], T]) -> T:
        if self._thread is None or threading.current_thread() is self._thread:
            result = function()
            if self._core is not None:
                self._core.flush()
            return result
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        with self._calls_lock:
            self._calls.append((function, future))
        os.write(self._wake_write, b"x")
        return future.result(timeout=5)

    def configure(self, **knobs: Any) -> None:
        def apply() -> None:
            for name, value in knobs.items():
                if not hasattr(self.config, name):
                    raise AttributeError(f"unknown knob {name!r}")
                setattr(self.config, name, value)

        self.call(apply)

    def schedule(self, delay: float, function: Callable[[], object]) -> None:
        """Run ``function`` on the simulator thread after ``delay`` simulated seconds."""
        core = self._require_core()
        self.call(lambda: core.schedule(delay, lambda: _discard(function())))

    def fail_next_send(self, result: str = "cms:500", count: int = 1) -> None:
        """``cms:<n>``, ``cme:<n>``, ``error``, ``timeout`` (never answers) or ``ok_no_cmgs``."""
        core = self._require_core()
        self.call(lambda: core.next_results.extend([result] * count))

    def inject_urc(self, lines: list[str], when: str = "now") -> None:
        """Emit URC lines now, or at a point of the next command: ``before_prompt``,
        ``after_prompt`` (AT+CMGS only) or ``before_final`` (any command's final result)."""
        core = self._require_core()
        if when == "now":
            self.call(lambda: core.emit_urc(lines))
        elif when in WHEN:
            self.call(lambda: core.injections[when].append(list(lines)))
        else:
            raise ValueError(f"when must be 'now' or one of {WHEN}")

    def deliver(self, originator: str, text: str, *, during_next_send: str | None = None) -> None:
        """An inbound (MT) SMS; with ``during_next_send`` it lands inside the next command."""
        core = self._require_core()

        def action() -> None:
            network.deliver(core, originator, text)

        if during_next_send is None:
            self.call(action)
        else:
            self.call(lambda: core.injections[during_next_send].append(action))

    def ring(self, number: str, times: int = 1) -> None:
        core = self._require_core()
        self.call(lambda: network.ring(core, number, times))

    def set_registration(self, stat: int) -> None:
        core = self._require_core()
        self.call(lambda: network.set_registration(core, stat))

    def set_sim(self, state: str) -> None:
        core = self._require_core()

        def apply() -> None:
            core.config.sim = state
            core._apply_sim_knob()

        self.call(apply)

    def stall(self, lines: int | None = None) -> None:
        """Firmware hang: ignore the next ``lines`` command lines, or everything until unstall."""
        core = self._require_core()

        def apply() -> None:
            if lines is None:
                core.stalled = True
            else:
                core.stall_lines = lines

        self.call(apply)

    def unstall(self) -> None:
        core = self._require_core()
        self.call(lambda: setattr(core, "stalled", False))

    def emit_garbage(self, data: bytes) -> None:
        core = self._require_core()
        self.call(lambda: core.emit_raw(data))

    def unplug(self) -> None:
        core = self._require_core()
        self.call(core.unplug)

    def replug(self) -> None:
        """The device comes back (under a new /dev/pts name for a pty) and boots."""
        core = self._require_core()

        def apply() -> None:
            core.endpoint.replug()
            core.boot()

        self.call(apply)

    def reset(self) -> None:
        core = self._require_core()
        self.call(lambda: network.soft_reset(core))

    @property
    def submits(self) -> list[SubmitRecord]:
        core = self._require_core()
        return self.call(lambda: list(core.submits))

    @property
    def reports(self) -> list[ReportRecord]:
        core = self._require_core()
        return self.call(lambda: list(core.reports))

    @property
    def commands(self) -> list[str]:
        core = self._require_core()
        return self.call(lambda: [line for _, line in core.commands])

    @property
    def calls(self) -> list[Call]:
        core = self._require_core()
        return self.call(lambda: list(core.calls))

    @property
    def echo(self) -> bool:
        core = self._require_core()
        return self.call(lambda: core.settings.echo)

    def messages(self) -> list[ReceivedMessage]:
        return reassemble(self.submits)

    def texts_for(self, number: str) -> list[str]:
        """Complete texts received by ``number``, in order, concatenation reassembled."""
        wanted = normalize_cn_msisdn(number)
        return [m.text for m in self.messages() if m.destination == wanted and m.complete]

    def assert_no_pending_prompt(self) -> None:
        core = self._require_core()
        state = self.call(lambda: core.line_state)
        assert state == "command", f"modem left in {state} state"


def _discard(value: object) -> None:
    del value
