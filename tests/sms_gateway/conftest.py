import os
import threading
import time

import pytest
from sim_helpers import FAST

from sms_gateway.at.modem import Modem
from sms_gateway.simulator import ModemSim


@pytest.fixture(scope="session")
def booted():
    """The protocol layer has no database: skip booting PostgreSQL and Redis for these tests."""


@pytest.fixture
def clean_state():
    """Nothing to clean: see ``booted``."""


def _open_fds():
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def no_leaks():
    """Every test must stop its simulator threads and close its ptys and sockets."""
    threads_before = set(threading.enumerate())
    fds_before = _open_fds()
    yield
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        leaked = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
        if not leaked and _open_fds() <= fds_before:
            return
        time.sleep(0.01)
    assert leaked == []
    assert _open_fds() - fds_before == set()


@pytest.fixture
def sim_factory():
    started = []

    def start(**knobs):
        knobs.setdefault("time_scale", 0.01)
        simulator = ModemSim(**knobs)
        simulator.start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def modem_factory():
    opened = []

    def open_modem(simulator, *, initialize=True, **options):
        options.setdefault("timeouts", FAST)
        modem = Modem(simulator.url, **options)
        modem.open()
        opened.append(modem)
        if initialize:
            modem.initialize()
        return modem

    yield open_modem
    for modem in opened:
        modem.close()


@pytest.fixture
def sim(sim_factory):
    return sim_factory()


@pytest.fixture
def modem(sim, modem_factory):
    return modem_factory(sim)
