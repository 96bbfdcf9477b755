"""Named background jobs, published only after the surrounding transaction commits.

`enqueue("loyalty.award_purchase_points", order_id=1)` inside `unit_of_work()` waits for the commit;
outside one it publishes at once. Tests swap the publisher with `capture()`.
"""

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    countdown: float = 0.0  # seconds before a worker may run it


MAX_COUNTDOWN = 60.0
Publisher = Callable[[Job], None]
_pending: ContextVar[list[Job] | None] = ContextVar("pending_jobs", default=None)
_publisher: list[Publisher] = []


def set_publisher(publisher: Publisher) -> None:
    _publisher[:] = [publisher]


def enqueue(name: str, **kwargs: Any) -> None:
    job = Job(name, kwargs)
    pending = _pending.get()
    if pending is None:
        _publish(job)
    else:
        pending.append(job)


def enqueue_later(name: str, seconds: float, **kwargs: Any) -> None:
    """`enqueue`, run no sooner than `seconds` from now. Short waits only (reliability.md TQ-2):
    anything later than a minute belongs in a table a beat reads."""
    if not 0 <= seconds <= MAX_COUNTDOWN:
        raise ValueError(f"a countdown of {seconds} s is not between 0 and {MAX_COUNTDOWN} s")
    job = Job(name, kwargs, countdown=seconds)
    pending = _pending.get()
    if pending is None:
        _publish(job)
    else:
        pending.append(job)


def _publish(job: Job) -> None:
    if not _publisher:
        raise RuntimeError("no job publisher configured; call jobs.set_publisher() at start-up")
    _publisher[0](job)


@contextlib.contextmanager
def collect() -> Iterator[list[Job]]:
    """Hold jobs until the block ends; nested blocks share the outermost list."""
    outer = _pending.get()
    if outer is not None:
        yield []
        return
    pending: list[Job] = []
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


def publish_all(pending: list[Job]) -> None:
    for job in pending:
        _publish(job)


@contextlib.contextmanager
def capture() -> Iterator[list[Job]]:
    captured: list[Job] = []
    previous = list(_publisher)
    set_publisher(captured.append)
    try:
        yield captured
    finally:
        _publisher[:] = previous
