"""The outbox relay: stored callback events go to the workers in batches.

The callback inserts the event and returns; `dispatch_pending` claims undispatched rows with
SKIP LOCKED (any number of relays may run) and enqueues one task per batch after commit. A web
process runs the relay loop, woken by each new event with its id: it claims the events its own
process stored by primary key (no scan of the table, whatever its size), and sweeps for any
other undispatched event when idle; beat sweeps too as a safety net (a process that died after
storing but before relaying).
"""

import asyncio
import logging

from crm_core import clock, jobs
from wechat import repository

log = logging.getLogger(__name__)
BATCH = 500
MAX_FRESH = 100_000  # beyond this (no relay loop running?) ids are dropped; a sweep finds them
_wake = asyncio.Event()
_fresh: list[int] = []


def wake(event_id: int | None = None) -> None:
    if event_id is not None and len(_fresh) < MAX_FRESH:
        _fresh.append(event_id)
    _wake.set()


async def dispatch_fresh() -> int:
    """Dispatch the events this process stored since the last call (a sweep or another relay
    may have taken some already; those are skipped)."""
    fresh, _fresh[:] = list(_fresh), []
    count = 0
    for start in range(0, len(fresh), BATCH):
        try:
            ids = await repository.claim_given_events(fresh[start : start + BATCH], clock.utc_now())
        except Exception:
            _fresh[:0] = fresh[start:]  # try again on the next round
            raise
        await _publish(ids)
        count += len(ids)
    return count


async def dispatch_pending(limit: int = BATCH) -> int:
    ids = await repository.claim_undispatched_events(limit, clock.utc_now())
    await _publish(ids)
    return len(ids)


async def _publish(ids: list[int]) -> None:
    """The claim is one autocommitted statement, so this publishes after the commit, as
    unit_of_work would; the broker client is synchronous, hence the thread. A failed publish
    gives the claim back: a sweep then hands the events out again instead of losing them."""
    if not ids:
        return
    try:
        await asyncio.to_thread(jobs.enqueue, "wechat.process_events", event_ids=ids)
    except Exception:
        await repository.release_events(ids)
        raise


async def run_relay(
    stop: asyncio.Event, *, idle_seconds: float = 1.0, gather_seconds: float = 0.02
) -> None:
    """Dispatch until stopped: shortly after being woken (events arriving meanwhile join the
    same batch, so a busy callback costs one broker publish per batch); sweep for any other
    undispatched event after `idle_seconds` without a wake-up."""
    while not stop.is_set():
        woken = True
        try:
            await asyncio.wait_for(_wake.wait(), idle_seconds)
        except TimeoutError:
            woken = False
        await asyncio.sleep(gather_seconds)
        _wake.clear()
        try:
            await dispatch_fresh()
            if not woken:
                while await dispatch_pending() == BATCH:
                    pass
        except Exception:
            log.exception("relay: dispatch failed; retrying")
            await asyncio.sleep(idle_seconds)
