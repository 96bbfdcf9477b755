"""The admin console's two budgets (issue 10).

1. JavaScript the first /admin load transfers (gzip), following the Vite manifest from the entry
   through the layout and the workbench route with every static import, as a ratio to Element
   Plus's own full bundle (element-plus/dist/index.full.min.js, gzip) — target <= 0.5.
2. p95 of GET /api/v1/members (first page, whole stack: session, permission, data scope, query,
   serialisation) at 100,000 members, as a ratio to the p95 of that page's bare SQL (the count and
   the 20 rows) on the same database — target <= 3.

Run: python -m bench.console   (needs `make setup`: the console build and node_modules)
"""

import asyncio
import gzip
import json
import sys
from pathlib import Path

import httpx

from bench.support import bench_database, run_closed_loop
from tortoise import connections

from crm_core.org.service.staff import create_superuser
from crm_core.org.service.auth import issue_token
from scrm.app import create_app

CONSOLE = Path(__file__).resolve().parents[1] / "console"
MEMBERS, CLIENTS, TOTAL = 100_000, 4, 400
FIRST_LOAD_ROUTES = ("src/layouts/ConsoleLayout.vue", "src/views/workbench/WorkbenchPage.vue")
TARGET_JS, TARGET_API = 0.5, 3.0


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def first_load_js() -> tuple[int, list[str]]:
    manifest = json.loads((CONSOLE / "dist" / ".vite" / "manifest.json").read_text())
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        for child in manifest[key].get("imports", []):
            visit(child)

    visit("index.html")
    for route in FIRST_LOAD_ROUTES:
        visit(route)
    files = sorted({manifest[k]["file"] for k in seen if manifest[k]["file"].endswith(".js")})
    return sum(gz(CONSOLE / "dist" / f) for f in files), files


async def seed_members() -> None:
    db = connections.get("default")
    await db.execute_script(
        f"""
        INSERT INTO members_member (card_no, name, phone, created_at, first_channel,
            last_channel, address, birthday_calendar, city, district, gender, province)
        SELECT 'B' || lpad(n::text, 9, '0'), '会员' || n, '139' || lpad(n::text, 8, '0'),
               now() - (n || ' minutes')::interval, 'store', 'store', '', 'solar', '上海市',
               '黄浦区', '', '上海市'
        FROM generate_series(1, {MEMBERS}) AS n;
        ANALYZE members_member;
        """
    )


BARE = (
    "SELECT count(*) FROM members_member WHERE merged_into_id IS NULL",
    "SELECT * FROM members_member WHERE merged_into_id IS NULL ORDER BY id DESC LIMIT 20",
)


async def api_ratio() -> tuple[float, float, float]:
    async with bench_database():
        await seed_members()
        admin = await create_superuser("bench-admin", "基准管理员", "bench-pass-1")
        token = await issue_token(admin.id, ttl_seconds=3600)
        headers = {"Authorization": f"Bearer {token}"}
        db = connections.get("default")

        async def bare() -> None:
            for sql in BARE:
                await db.execute_query(sql)

        app = create_app(boot=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            probe = await client.get("/api/v1/members?page=1&page_size=20", headers=headers)
            assert probe.status_code == 200, probe.text
            for _ in range(20):  # warm both paths
                await bare()
                await client.get("/api/v1/members?page=1&page_size=20", headers=headers)
            baseline = await run_closed_loop(bare, clients=CLIENTS, total=TOTAL)
            subject = await run_closed_loop(
                lambda: client.get("/api/v1/members?page=1&page_size=20", headers=headers),
                clients=CLIENTS,
                total=TOTAL,
            )
        api_p95, sql_p95 = subject.percentile(0.95), baseline.percentile(0.95)
        return api_p95 / sql_p95, api_p95, sql_p95


def line(name: str, value: float, target: str, ok: bool, detail: str) -> bool:
    print(f"{name}: {value:.2f} (target {target}) {'ok' if ok else 'FAIL'}  [{detail}]")
    return ok


def main() -> int:
    js, files = first_load_js()
    element_plus = gz(CONSOLE / "node_modules" / "element-plus" / "dist" / "index.full.min.js")
    results = [
        line(
            "console first-load JS / Element Plus full bundle (gzip)",
            js / element_plus,
            f"<= {TARGET_JS}",
            js / element_plus <= TARGET_JS,
            f"{js / 1024:.1f} KiB in {len(files)} files vs {element_plus / 1024:.1f} KiB",
        )
    ]
    ratio, api_p95, sql_p95 = asyncio.run(api_ratio())
    results.append(
        line(
            f"member list p95 at {MEMBERS:,} members / bare SQL p95",
            ratio,
            f"<= {TARGET_API}",
            ratio <= TARGET_API,
            f"API {api_p95:.1f} ms vs SQL {sql_p95:.1f} ms",
        )
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
