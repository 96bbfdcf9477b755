"""RFM over N members (default 1,000,000, three till orders each on average): the nightly
rebuild (analytics.customers.service.rebuild_rfm: one set-based INSERT … SELECT with three
quintile windows and the class CASE) against one bare aggregate over the same orders written to
a table of the same width; target bare/ours >= 0.5.

Run: python -m bench.rfm [--members N]
"""

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime

from tortoise import connections

from analytics.customers import service
from bench.support import bench_database
from crm_core import clock
from crm_core.org.models import Department, Store

TARGET = 0.5
NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
BARE = """
INSERT INTO bench_rfm_bare
SELECT o.member_id, max(o.paid_at), count(*), sum(o.total_fen - o.refunded_fen)
FROM sales_order o JOIN members_member m ON m.id = o.member_id
WHERE o.status <> 'refunded' AND m.merged_into_id IS NULL
GROUP BY o.member_id
"""


def progress(message: str) -> None:
    print(f"[{time.monotonic():10.1f}] {message}", file=sys.stderr, flush=True)


async def seed(members: int) -> None:
    db = connections.get("default")
    store = await Store.create(
        code="B001", name="基准店", department=await Department.create(name="总部")
    )
    progress(f"seeding {members:,} members and {3 * members:,} orders")
    await db.execute_query(
        "INSERT INTO members_member (id, name, first_store_id, first_channel, last_channel,"
        " gender, birthday_calendar, province, city, district, address, created_at)"
        " SELECT g, '会员' || g, $2, 'poster', 'poster', '', 'solar', '上海', '', '', '', $1"
        " FROM generate_series(1, $3) g",
        [NOW, store.id, members],
    )
    await db.execute_query(
        "INSERT INTO sales_order (store_id, order_no, member_id, total_fen, refunded_fen, status,"
        " paid_at, request_hash, created_at)"
        " SELECT $2, 'B' || g, 1 + (g::bigint * 7919) % $3, 1000 + g * 97 % 50000,"
        " CASE WHEN g % 20 = 0 THEN 1000 + g * 97 % 50000 ELSE 0 END,"
        " CASE WHEN g % 20 = 0 THEN 'refunded' ELSE 'paid' END,"
        " $1::timestamptz - (g * 31 % 700) * interval '1 day', '', $1"
        " FROM generate_series(1, 3 * $3) g",
        [NOW, store.id, members],
    )
    await db.execute_script(
        "CREATE TABLE bench_rfm_bare (member_id int PRIMARY KEY, last_at timestamptz,"
        " n bigint, fen bigint)"
    )
    # Freshly written rows: set their hint bits and statistics first, so neither run pays it.
    for table in ("sales_order", "members_member"):
        await db.execute_script(f"VACUUM ANALYZE {table}")


async def run(members: int) -> bool:
    async with bench_database():
        await seed(members)
        db = connections.get("default")
        progress("bare aggregate")
        started = time.perf_counter()
        await db.execute_query(BARE)
        bare = time.perf_counter() - started
        progress("rebuild_rfm")
        started = time.perf_counter()
        with clock.freeze(NOW):
            rows = await service.rebuild_rfm()
        ours = time.perf_counter() - started
        bare_rows = (await db.execute_query_dict("SELECT count(*) AS n FROM bench_rfm_bare"))[0]
        ratio = bare / ours
        met = ratio >= TARGET and rows == bare_rows["n"]
        print(
            f"rfm over {rows:,} buying members: ours {ours:.2f} s, bare aggregate {bare:.2f} s"
            f" ({bare_rows['n']:,} rows); bare/ours {ratio:.2f} (target >= {TARGET})"
            f" {'ok' if met else 'FAIL'}",
            flush=True,
        )
        return met


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rfm")
    parser.add_argument("--members", type=int, default=1_000_000)
    met = asyncio.run(run(parser.parse_args().members))
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
