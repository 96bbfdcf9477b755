"""Test servers: the configured PostgreSQL and Redis when their URLs are set, else embedded ones.

Each test session migrates a fresh database; each test starts from empty tables and empty Redis.
"""

import asyncio
import contextlib
import graphlib
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from crm_core import cache, clock, jobs
from crm_core.config import get_settings
from scrm import wiring

ROOT = Path(__file__).resolve().parent.parent
# No per-example time limit: on a loaded 2-core machine a slow example is noise, not a failure.
hypothesis_settings.register_profile("scrm", deadline=None)
hypothesis_settings.load_profile("scrm")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_dsn(url: str) -> dict[str, object]:
    from crm_core.db import connection_from_url

    credentials = dict(connection_from_url(url)["credentials"])
    credentials.pop("minsize"), credentials.pop("maxsize")
    return credentials


@pytest.fixture(scope="session")
def server_urls() -> Iterator[wiring.Urls]:
    os.environ.setdefault("SCRM_ENV", "test")
    os.environ.setdefault("SCRM_VAR_DIR", str(ROOT / "var" / "test"))
    get_settings.cache_clear()
    base = wiring.resolve_urls(get_settings())
    name = f"scrm_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = _admin_dsn(base.database)

    async def create() -> None:
        connection = await asyncpg.connect(**admin)
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(**admin)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    asyncio.run(create())
    redis_url, broker = base.redis, base.broker
    if redis_url.startswith("unix://"):
        # A private embedded Redis per test session: parallel runs must not flush each other.
        from crm_core.embedded import _start_redis

        socket = _start_redis(Path(tempfile.mkdtemp(prefix="scrm-redis-")))
        redis_url, broker = f"unix://{socket}?db=0", f"redis+socket://{socket}"
    urls = wiring.Urls(database=_with_database(base.database, name), redis=redis_url, broker=broker)
    # Child processes (end-to-end tests) use the same servers.
    os.environ.update(
        {"DATABASE_URL": urls.database, "REDIS_URL": urls.redis, "CELERY_BROKER_URL": urls.broker}
    )
    get_settings.cache_clear()
    yield urls
    asyncio.run(drop())


@pytest.fixture(scope="session", autouse=True)
async def booted(server_urls: wiring.Urls) -> AsyncIterator[wiring.Urls]:
    await wiring.migrate(server_urls)
    await wiring.boot(server_urls)
    yield server_urls
    await wiring.shutdown()


TABLES_SQL = """SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables
WHERE schemaname = 'public' AND tablename NOT LIKE 'tortoise_%'"""

# Each table with the sequences it owns (its serial ids), and the foreign keys between tables.
_OWNED_SEQUENCES_SQL = """SELECT t.relname AS tbl, s.relname AS seq
FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_depend d ON d.refobjid = t.oid AND d.classid = 'pg_class'::regclass
    AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
WHERE n.nspname = 'public' AND t.relkind = 'r' AND t.relname NOT LIKE 'tortoise_%'"""
_FOREIGN_KEYS_SQL = """SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"""
# Tables with triggers of their own (append-only ledgers refuse DELETE): these are truncated.
_TRIGGERED_SQL = """SELECT DISTINCT tgrelid::regclass::text AS tbl FROM pg_trigger
WHERE NOT tgisinternal"""


class _Tables:
    """Empties the tables a test left dirty: rows in them, or a sequence they own that has been
    used (a rolled-back insert still moves it). The effect is a TRUNCATE of every table with
    RESTART IDENTITY, at a fraction of the cost: TRUNCATE makes new files for each table and
    index (about 3 ms a table, ~100 tables), while a DELETE of a test's few rows, children
    first, and a setval() of the used sequences take one round trip."""

    def __init__(
        self, owned: list[dict[str, Any]], keys: list[dict[str, Any]], triggered: set[str]
    ) -> None:
        self.triggered = triggered
        tables = sorted({str(row["tbl"]) for row in owned})
        self.table_of = {str(r["seq"]): str(r["tbl"]) for r in owned if r["seq"] is not None}
        # Referencing tables come before the tables they reference.
        graph: dict[str, set[str]] = {t: set() for t in tables}
        for key in keys:
            child, parent = key["child"].strip('"'), key["parent"].strip('"')
            if child != parent and parent in graph and child in graph:
                graph[parent].add(child)
        self.order = {t: i for i, t in enumerate(graphlib.TopologicalSorter(graph).static_order())}
        checks = ", ".join(
            f"CASE WHEN EXISTS (SELECT 1 FROM \"{t}\") THEN '{t}' END" for t in tables
        )
        self.rows_sql = f"SELECT unnest(ARRAY[{checks}]) AS tbl"
        self.sequences_sql = (
            "SELECT sequencename AS seq FROM pg_sequences "
            "WHERE schemaname = 'public' AND last_value IS NOT NULL"
        )

    async def reset(self, connection: BaseDBAsyncClient) -> None:
        rows = await connection.execute_query_dict(self.rows_sql)
        dirty = {row["tbl"] for row in rows if row["tbl"] is not None}
        sequences = [
            row["seq"]
            for row in await connection.execute_query_dict(self.sequences_sql)
            if row["seq"] in self.table_of
        ]
        statements = [
            f'DELETE FROM "{t}"' for t in sorted(dirty - self.triggered, key=self.order.__getitem__)
        ]
        if dirty & self.triggered:
            names = ", ".join(f'"{t}"' for t in sorted(dirty & self.triggered))
            statements.insert(0, f"TRUNCATE {names} CASCADE")
        statements += [f"SELECT setval('\"{seq}\"', 1, false)" for seq in sequences]
        if statements:
            await connection.execute_script(";\n".join(statements))


_tables: _Tables | None = None


async def reset_database() -> None:
    """Empty every table and restart every id, as a TRUNCATE of all tables would."""
    global _tables
    connection = connections.get("default")
    if _tables is None:
        owned = await connection.execute_query_dict(_OWNED_SEQUENCES_SQL)
        keys = await connection.execute_query_dict(_FOREIGN_KEYS_SQL)
        triggered = await connection.execute_query_dict(_TRIGGERED_SQL)
        _tables = _Tables(owned, keys, {row["tbl"].strip('"') for row in triggered})
    await _tables.reset(connection)


@pytest.fixture(autouse=True)
async def clean_state(booted: wiring.Urls) -> AsyncIterator[None]:
    from crm_core.org.service.roles import ensure_builtin_roles
    from crm_core.redis import get_redis

    await reset_database()
    await get_redis().flushdb()
    cache.clear_all()
    await ensure_builtin_roles()
    clock._frozen = None
    yield
    clock._frozen = None


@pytest.fixture(autouse=True)
def published_jobs() -> Iterator[list[jobs.Job]]:
    with jobs.capture() as captured:
        yield captured


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    from scrm.app import create_app

    app = create_app(boot=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@contextlib.contextmanager
def no_env(*names: str) -> Iterator[None]:
    saved = {n: os.environ.pop(n) for n in names if n in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)
