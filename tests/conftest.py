"""Test servers: the configured PostgreSQL and Redis when their URLs are set, else embedded ones.

Each test session migrates a fresh database; each test starts from empty tables and empty Redis.
"""

import asyncio
import contextlib
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from tortoise import connections

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


@pytest.fixture(autouse=True)
async def clean_state(booted: wiring.Urls) -> AsyncIterator[None]:
    from crm_core.org.service.roles import ensure_builtin_roles
    from crm_core.redis import get_redis

    connection = connections.get("default")
    tables = (await connection.execute_query_dict(TABLES_SQL))[0]["string_agg"]
    await connection.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
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
