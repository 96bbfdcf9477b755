"""Database: Tortoise configuration, start-up, and the unit of work that publishes jobs."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from crm_core import jobs


def connection_from_url(url: str) -> dict[str, Any]:
    """Turn postgres://user:pw@host:port/db?host=/socket/dir into Tortoise credentials.

    Tortoise's own URL parser cannot express the Unix socket directory the embedded server uses.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "asyncpg"}:
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got scheme {parts.scheme!r}")
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
    return {
        "engine": "tortoise.backends.asyncpg",
        "credentials": {
            "host": unquote(host),
            "port": parts.port or 5432,
            "user": unquote(parts.username or "postgres"),
            "password": unquote(parts.password or ""),
            "database": parts.path.lstrip("/") or "postgres",
            "minsize": 1,
            "maxsize": int(query.get("pool", ["20"])[0]),
        },
    }


def tortoise_config(database_url: str, apps: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    return {
        "connections": {"default": connection_from_url(database_url)},
        "apps": {
            label: {
                "models": list(modules),
                "default_connection": "default",
                "migrations": f"{label}.migrations",
            }
            for label, modules in apps.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(config: dict[str, Any]) -> None:
    # The global fallback lets request tasks see the context the lifespan task created.
    await Tortoise.init(config=config, _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def unit_of_work() -> AsyncIterator[BaseDBAsyncClient]:
    """One transaction; jobs enqueued inside are published only after it commits."""
    with jobs.collect() as pending:
        async with in_transaction() as connection:
            yield connection
    if pending:
        # The broker client is synchronous; a thread keeps it from stalling the event loop.
        await asyncio.to_thread(jobs.publish_all, pending)


async def advisory_lock(key: int) -> None:
    """Serialise a critical section across processes until the current transaction ends."""
    from tortoise import connections

    await connections.get("default").execute_query("SELECT pg_advisory_xact_lock($1)", [key])
