"""Helpers shared by the modem tests."""

import queue
import time

from sms_gateway.at.modem import Timeouts

FAST = Timeouts(
    simple=1.0, sim=1.0, prompt=0.5, submit=1.0, storage=1.0, probe=0.1, boot=0.5, sim_retry=0.05
)


def next_urc(modem, kind, timeout=1.0):
    """The next URC of type ``kind``; others seen on the way are returned too, for assertions."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urc = modem.urcs.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(urc)
        if isinstance(urc, kind):
            return urc, seen
    raise AssertionError(f"no {kind.__name__} within {timeout}s; saw {seen}")


def wait_until(condition, timeout=1.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)
