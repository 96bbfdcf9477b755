"""Celery wiring: one event loop per worker process, Tortoise initialised once on it.

Tasks are async functions registered with `@task("domain.verb_noun")`; each is idempotent,
acks late and retries only transient errors.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from celery import Celery
from celery.signals import setup_logging, worker_process_init, worker_process_shutdown

from crm_core import jobs
from crm_core.config import get_settings
from crm_core.logging import configure_logging

P = ParamSpec("P")
R = TypeVar("R")

app = Celery("scrm")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    timezone="Asia/Shanghai",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    task_time_limit=300,
    # visibility_timeout must exceed the longest task so Redis does not hand it out twice.
    broker_transport_options={"visibility_timeout": 3600},
)

_loop: list[asyncio.AbstractEventLoop] = []
_boot: list[Callable[[], Awaitable[None]]] = []
_shutdown: list[Callable[[], Awaitable[None]]] = []


def configure(
    broker_url: str, *, boot: Callable[[], Awaitable[None]], shutdown: Callable[[], Awaitable[None]]
) -> Celery:
    app.conf.broker_url = broker_url
    app.conf.result_backend = None
    _boot[:] = [boot]
    _shutdown[:] = [shutdown]
    jobs.set_publisher(
        lambda job: app.send_task(job.name, kwargs=job.kwargs, countdown=job.countdown or None)
    )
    return app


def worker_loop() -> asyncio.AbstractEventLoop:
    if not _loop:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        _loop.append(loop)
        if _boot:
            loop.run_until_complete(_boot[0]())
    return _loop[0]


@setup_logging.connect  # type: ignore[untyped-decorator]
def _keep_our_logging(**_: Any) -> None:
    """Connected, this stops Celery replacing the root handler: worker and beat logs keep the
    plain traces and secret masking of crm_core.logging."""
    configure_logging(json=get_settings().is_prod)


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _on_worker_start(**_: Any) -> None:
    worker_loop()


@worker_process_shutdown.connect  # type: ignore[untyped-decorator]
def _on_worker_stop(**_: Any) -> None:
    if _loop and _shutdown:
        _loop[0].run_until_complete(_shutdown[0]())


def task(
    name: str, **options: Any
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """Register an async function as a Celery task; the function itself stays awaitable in tests."""

    def decorate(
        function: Callable[P, Coroutine[Any, Any, R]],
    ) -> Callable[P, Coroutine[Any, Any, R]]:
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            return worker_loop().run_until_complete(function(*args, **kwargs))

        app.task(name=name, bind=False, **options)(run)
        return function

    return decorate
