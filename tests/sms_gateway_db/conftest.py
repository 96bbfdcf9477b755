"""Gateway tests with the database: the daemon runs as a task on the test loop, the modem is the
simulator on a real pty reached through pyserial."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from crm_core import clock
from crm_core.config import SmsSettings
from sms_gateway.at.modem import Timeouts
from sms_gateway.daemon import ModemDaemon
from sms_gateway.simulator import ModemSim

FAST = Timeouts(
    simple=2.0, sim=1.0, prompt=2.0, submit=3.0, storage=2.0, probe=0.1, boot=0.5, sim_retry=0.05
)
FAST_SETTINGS: dict[str, Any] = {
    "parts_per_minute": 0,
    "lease_seconds": 30,
    "heartbeat_seconds": 0.2,
    "poll_seconds": 0.02,
    "retry_backoff_seconds": [0, 0, 0],
    "park_seconds": 1,
    "report_window_seconds": 600,
}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
def daytime() -> Iterator[datetime]:
    """10:00 in Shanghai: inside the marketing hours whatever the real time is."""
    moment = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
    with clock.freeze(moment):
        yield moment


@pytest.fixture
def sim_factory():
    started: list[ModemSim] = []

    def start(**knobs: Any) -> ModemSim:
        knobs.setdefault("time_scale", 0.01)
        knobs.setdefault("imsi", f"46000{len(started):010d}")
        simulator = ModemSim(**knobs)
        simulator.start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
async def daemon_factory() -> AsyncIterator[Callable[..., Awaitable[ModemDaemon]]]:
    running: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    async def start(sim: ModemSim, **overrides: Any) -> ModemDaemon:
        settings = SmsSettings(**{**FAST_SETTINGS, **overrides})
        daemon = ModemDaemon(sim.url, settings, timeouts=FAST)
        stop = asyncio.Event()
        running.append((stop, asyncio.create_task(daemon.run(stop))))

        async def up() -> bool:
            return daemon.healthy

        await eventually(up)
        return daemon

    yield start
    for stop, _ in running:
        stop.set()
    for _, task in running:
        await asyncio.wait_for(task, 10)
