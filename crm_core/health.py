"""/healthz: PostgreSQL, Redis and the Celery broker, each checked with a short timeout."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from tortoise import connections

from crm_core.redis import get_redis


async def _postgres() -> None:
    await connections.get("default").execute_query("SELECT 1")


async def _redis() -> None:
    await get_redis().ping()


def _broker_check() -> None:
    from crm_core.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


async def _broker() -> None:
    await asyncio.to_thread(_broker_check)


CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "postgres": _postgres,
    "redis": _redis,
    "broker": _broker,
}


async def check_all(limit_seconds: float = 3.0) -> tuple[bool, dict[str, dict[str, object]]]:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            await asyncio.wait_for(check(), limit_seconds)
            results[name] = {"ok": True}
        except Exception as error:
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:200]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results
