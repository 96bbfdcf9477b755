"""The outbox relay: stored callback events go to the workers in batches.

The callback inserts the event and returns; `dispatch_pending` claims undispatched rows with
SKIP LOCKED (any number of relays may run) and enqueues one task per batch after commit. A web
process runs the relay loop, woken by each new event; beat runs it too as a safety net.
"""

import asyncio
import contextlib
import logging

from crm_core import clock, jobs
from wechat import repository

log = logging.getLogger(__name__)
BATCH = 500
_wake = asyncio.Event()


def wake() -> None:
    _wake.set()


async def dispatch_pending(limit: int = BATCH) -> int:
    ids = await repository.claim_undispatched_events(limit, clock.utc_now())
    if ids:
        # The claim is one autocommitted statement, so this publishes after the commit, as
        # unit_of_work would; the broker client is synchronous, hence the thread.
        await asyncio.to_thread(jobs.enqueue, "wechat.process_events", event_ids=ids)
    return len(ids)


async def run_relay(stop: asyncio.Event, *, idle_seconds: float = 1.0,
                    gather_seconds: float = 0.02) -> None:
    """Dispatch until stopped: shortly after being woken (events arriving meanwhile join the
    same batch, so a busy callback costs one broker publish per batch), at least every
    `idle_seconds`."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_wake.wait(), idle_seconds)
        await asyncio.sleep(gather_seconds)
        _wake.clear()
        try:
            while await dispatch_pending() == BATCH:
                pass
        except Exception:
            log.exception("relay: dispatch failed; retrying")
            await asyncio.sleep(idle_seconds)
