"""Shared benchmark plumbing: a fresh migrated database on the configured or embedded servers."""

import asyncio
import contextlib
import secrets
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from crm_core.config import get_settings
from crm_core.db import connection_from_url
from crm_core.logging import configure_logging
from scrm import wiring


@contextlib.asynccontextmanager
async def bench_database() -> AsyncIterator[wiring.Urls]:
    """Create, migrate and boot a throw-away database; drop it afterwards."""
    configure_logging(json=False, level="WARNING")
    base = wiring.resolve_urls(get_settings())
    name = f"scrm_bench_{secrets.token_hex(4)}"
    admin = dict(connection_from_url(base.database)["credentials"])
    admin.pop("minsize"), admin.pop("maxsize")
    connection = await asyncpg.connect(**admin)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    url = urlunsplit(urlsplit(base.database)._replace(path=f"/{name}"))
    urls = wiring.Urls(database=url, redis=base.redis, broker=base.broker)
    try:
        await wiring.migrate(urls)
        await wiring.boot(urls)
        yield urls
    finally:
        await wiring.shutdown()
        connection = await asyncpg.connect(**admin)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


@dataclass(frozen=True)
class Result:
    operations: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.operations / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)


async def run_closed_loop(
    operation: Callable[[], Awaitable[object]], *, clients: int, total: int
) -> Result:
    """`clients` concurrent loops performing `total` operations in all."""
    remaining = [total]
    latencies: list[float] = []

    async def loop() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            started = time.perf_counter()
            await operation()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(clients)))
    return Result(total, time.perf_counter() - started, latencies)


def report(name: str, subject: Result, baseline: Result, unit: str = "req/s") -> None:
    ratio = subject.rate / baseline.rate
    print(
        f"{name}: {subject.rate:,.0f} {unit} (p50 {subject.median_ms:.1f} ms, "
        f"p99 {subject.percentile(0.99):.1f} ms)"
    )
    print(f"baseline: {baseline.rate:,.0f} {unit} (p50 {baseline.median_ms:.1f} ms)")
    print(f"ratio: {ratio:.2f}")
