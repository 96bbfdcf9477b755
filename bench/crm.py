"""Customers at 1M, each figure against a baseline measured in the same run:

1. list page: p95 of GET /api/v1/customers?level=a (first page, whole stack: token, permission,
   the sales manager's subtree scope, the filter, masking, serialisation) as a ratio to the p95 of
   that page's bare SQL (the count and the 20 rows, same scope and filter) — target <= 3.
2. recycle sweep: the public pool's sweep (drop, transfer history, reminders, audit row) against
   a bare UPDATE of the same rows by id; target bare/ours >= 0.3.

Data is written set-based (generate_series): 10 departments of 10 reps each, 5 % of the
customers already in the pool. Progress goes to stderr.

Run: python -m bench.crm [--customers N]
"""

import argparse
import asyncio
import sys
import time

import httpx
from tortoise import connections

from bench.support import bench_database, run_closed_loop
from crm_core import clock
from crm_core.customers.pool.models import PoolRule
from crm_core.customers.pool.service import sweep
from crm_core.org.models import Department, Role, Staff
from crm_core.org.service.auth import issue_token
from crm_core.org.service.roles import ensure_builtin_roles
from scrm.app import create_app

CLIENTS, TOTAL = 4, 400
TARGET_LIST, TARGET_SWEEP = 3.0, 0.3
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def line(name: str, value: float, target: str, ok: bool, detail: str) -> bool:
    print(f"{name}: {value:.2f} (target {target}) {'ok' if ok else 'FAIL'}  [{detail}]")
    return ok


async def seed(customers: int) -> tuple[Staff, list[int]]:
    """The sales organisation and the customers; returns the manager of department 1 and the
    ids of the staff in their scope."""
    await ensure_builtin_roles()
    rep_role, manager_role = await Role.get(code="sales_rep"), await Role.get(code="sales_manager")
    root = await Department.create(name="销售部")
    reps: list[int] = []
    manager = None
    for d in range(10):
        department = await Department.create(name=f"销售{d + 1}组", parent=root)
        if d == 0:
            manager = await Staff.create(
                username="manager", name="经理", password_hash="-", department=department
            )
            await manager.roles.add(manager_role)
        for r in range(10):
            rep = await Staff.create(
                username=f"rep{d}_{r}", name=f"销售{d}{r}", password_hash="-", department=department
            )
            await rep.roles.add(rep_role)
            reps.append(rep.id)
    assert manager is not None
    departments = dict(await Staff.filter(id__in=reps).values_list("id", "department_id"))
    db = connections.get("default")
    # Every 20th customer is in the pool; the rest belong to the reps round-robin.
    await db.execute_query(
        """
        INSERT INTO crm_customer (kind, name, name_key, phone, level, source, industry, address,
            tags, owner_id, department_id, last_followed_at, created_at, updated_at, pool_reason,
            credit_limit_fen)
        SELECT 'person', '客户' || n, '客户' || n, '+86139' || lpad(n::text, 8, '0'),
               (ARRAY['a', 'b', 'c', 'd'])[1 + n % 4], 'self', '', '', '[]',
               CASE WHEN n % 20 = 0 THEN NULL ELSE ($2::int[])[1 + n % 100] END,
               CASE WHEN n % 20 = 0 THEN NULL ELSE ($3::int[])[1 + n % 100] END,
               CASE WHEN n % 3 = 0 THEN NULL ELSE t - make_interval(days => (n * 7) % 90) END,
               t - make_interval(days => 60 + n % 120), t, '', 0
        FROM generate_series(1, $1::int) AS n, (SELECT $4::timestamptz AS t) AS now
        """,
        [customers, reps, [departments[r] for r in reps], clock.utc_now()],
    )
    await db.execute_script("VACUUM ANALYZE crm_customer")
    scope = [manager.id, *(r for r in reps if departments[r] == manager.department_id)]  # type: ignore[attr-defined]
    return manager, scope


def bare_page(scope: list[int]) -> tuple[str, str]:
    where = f"owner_id = ANY('{{{','.join(map(str, scope))}}}'::int[]) AND level = 'a'"
    return (
        f"SELECT count(*) FROM crm_customer WHERE {where}",
        f"SELECT * FROM crm_customer WHERE {where} ORDER BY id DESC LIMIT 20",
    )


async def list_ratio(manager: Staff, scope: list[int]) -> tuple[float, float, float]:
    token = await issue_token(manager.id, ttl_seconds=3600)
    headers = {"Authorization": f"Bearer {token}"}
    db = connections.get("default")
    queries = bare_page(scope)

    async def bare() -> None:
        for sql in queries:
            await db.execute_query(sql)

    url = "/api/v1/customers?level=a&page=1&page_size=20"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(boot=False)), base_url="http://bench"
    ) as client:
        probe = await client.get(url, headers=headers)
        assert probe.status_code == 200, probe.text
        assert all(i["phone_masked"] for i in probe.json()["items"])
        for _ in range(20):  # warm both paths
            await bare()
            await client.get(url, headers=headers)
        baseline = await run_closed_loop(bare, clients=CLIENTS, total=TOTAL)
        subject = await run_closed_loop(
            lambda: client.get(url, headers=headers), clients=CLIENTS, total=TOTAL
        )
    api_p95, sql_p95 = subject.percentile(0.95), baseline.percentile(0.95)
    return api_p95 / sql_p95, api_p95, sql_p95


DUE = """
SELECT id FROM crm_customer WHERE owner_id IS NOT NULL AND level = 'a' AND trashed_at IS NULL
  AND GREATEST(COALESCE(last_followed_at, created_at), COALESCE(owned_at, created_at))
      + interval '30 days' <= $1
"""
BARE_UPDATE = """
UPDATE crm_customer SET previous_owner_id = owner_id, owner_id = NULL, pooled_at = $2,
    pool_reason = 'no_follow_up', updated_at = $2
WHERE id = ANY($1::int[])
"""
UNDO = """
UPDATE crm_customer SET owner_id = previous_owner_id, previous_owner_id = NULL, pooled_at = NULL,
    pool_reason = '' WHERE id = ANY($1::int[])
"""


async def sweep_ratio() -> tuple[float, float, float, int]:
    now = clock.utc_now()
    await PoolRule.create(level="a", enabled=True, no_follow_up_days=30, updated_at=now)
    db = connections.get("default")
    # The rows the sweep will drop (not timed).
    rows = await db.execute_query_dict(DUE, [now])
    due = [r["id"] for r in rows]
    started = time.perf_counter()
    await db.execute_query(BARE_UPDATE, [due, now])
    bare = time.perf_counter() - started
    await db.execute_query(UNDO, [due])
    await db.execute_script("VACUUM ANALYZE crm_customer")
    started = time.perf_counter()
    result = await sweep.sweep()
    ours = time.perf_counter() - started
    assert result.recycled == len(due), (result, len(due))
    return bare / ours, ours, bare, len(due)


async def run(customers: int) -> list[bool]:
    async with bench_database():
        progress(f"seeding {customers:,} customers")
        manager, scope = await seed(customers)
        progress("list page")
        ratio, api_p95, sql_p95 = await list_ratio(manager, scope)
        results = [
            line(
                f"customer list p95 at {customers:,} customers / bare SQL p95",
                ratio,
                f"<= {TARGET_LIST}",
                ratio <= TARGET_LIST,
                f"API {api_p95:.1f} ms vs SQL {sql_p95:.1f} ms",
            )
        ]
        progress("sweep")
        ratio, ours, bare, rows = await sweep_ratio()
        results.append(
            line(
                f"recycle sweep of {rows:,} customers: bare UPDATE / ours",
                ratio,
                f">= {TARGET_SWEEP}",
                ratio >= TARGET_SWEEP,
                f"ours {ours * 1000:.0f} ms vs bare {bare * 1000:.0f} ms",
            )
        )
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    return 0 if all(asyncio.run(run(args.customers))) else 1


if __name__ == "__main__":
    sys.exit(main())
