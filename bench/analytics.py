"""Review word clouds at 1M reviews, each figure against a baseline measured in the same run:

1. word cloud: the top terms for a filter that selects 10 % of the reviews (10 of 100 days),
   read from the per-day rollups, against segmenting those reviews' texts at read time (fetch,
   jieba, count) — target >= 20× faster.
2. write-time segmentation: our Segmenter (retail dictionary, stopwords, counting) against bare
   `jieba.cut` on the same texts — target throughput ratio >= 0.8.

Reviews are written set-based: 2,000 distinct texts from retail phrases, segmented once each
(the write path's segmentation, memoised), spread over 100 days and 10 stores; the rollup is then
built per day by the same task production runs. Progress goes to stderr.

Run: python -m bench.analytics [--reviews N]
"""

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta

import jieba
from tortoise import connections

from analytics.reviews import rules, service
from bench.support import bench_database
from crm_core.org.models import Department, Role, Staff
from crm_core.org.service.auth import principal_for
from crm_core.org.service.roles import ensure_builtin_roles

TARGET_CLOUD, TARGET_SEGMENT = 20.0, 0.8
DAYS, STORES, TEXTS = 100, 10, 2000
FIRST_DAY = date(2026, 1, 1)
PHRASES = (
    "导购服务态度很好", "面料质感不错", "性价比很高", "尺码偏大", "尺码偏小", "物流太慢",
    "包装很精美", "颜色有色差", "洗了一次就起球", "上身显瘦", "做工精细", "价格有点贵",
    "会员价很划算", "店里环境干净", "排队结账太久", "试穿体验很好", "款式很新", "退换货很方便",
    "售后处理及时", "衣服掉色严重", "质量一般般", "下次还会再来", "推荐给朋友了", "专柜正品放心",
)  # fmt: skip
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def line(name: str, value: float, target: str, ok: bool, detail: str) -> bool:
    print(f"{name}: {value:.2f} (target {target}) {'ok' if ok else 'FAIL'}  [{detail}]")
    return ok


def texts(count: int, seed: int) -> list[str]:
    pick = random.Random(seed)
    return ["，".join(pick.sample(PHRASES, pick.randint(2, 5))) + "。" for _ in range(count)]


async def seed(reviews: int, segmenter: rules.Segmenter) -> None:
    connection = connections.get("default")
    corpus = texts(TEXTS, 1)
    await connection.execute_query(
        "CREATE UNLOGGED TABLE bench_text (id int PRIMARY KEY, text varchar(500))"
    )
    await connection.execute_query(
        "CREATE UNLOGGED TABLE bench_text_term (text_id int, term varchar(64), count int)"
    )
    await connection.execute_many(
        "INSERT INTO bench_text VALUES ($1, $2)", [[i, t] for i, t in enumerate(corpus)]
    )
    await connection.execute_many(
        "INSERT INTO bench_text_term VALUES ($1, $2, $3)",
        [[i, term, n] for i, t in enumerate(corpus) for term, n in segmenter.terms(t).items()],
    )
    progress(f"{TEXTS} texts segmented; writing {reviews:,} reviews")
    await connection.execute_query(
        f"""INSERT INTO analytics_review (order_id, member_id, store_id, stars, sentiment, text,
        pictures, day, created_at, reply)
        SELECT g, g, 1 + g % {STORES}, s.stars,
               CASE WHEN s.stars >= 4 THEN 'good' WHEN s.stars = 3 THEN 'medium' ELSE 'bad' END,
               t.text, '[]', DATE '{FIRST_DAY}' + (g % {DAYS}), now(), ''
        FROM generate_series(1, {reviews}) g
        CROSS JOIN LATERAL (SELECT 1 + (g * 7919) % 5 AS stars) s
        JOIN bench_text t ON t.id = g % {TEXTS}"""
    )
    await connection.execute_query(
        f"""INSERT INTO analytics_review_term (review_id, term, count)
        SELECT r.id, tt.term, tt.count FROM analytics_review r
        JOIN bench_text_term tt ON tt.text_id = r.order_id % {TEXTS}"""
    )
    await connection.execute_query("ANALYZE")
    progress("reviews written; building the per-day rollups")
    await service.rollup_range(FIRST_DAY, FIRST_DAY + timedelta(days=DAYS - 1))
    await connection.execute_query("ANALYZE")


async def cloud_figure(reviews: int, segmenter: rules.Segmenter) -> bool:
    await ensure_builtin_roles()
    root = await Department.create(name="总部")
    admin = await Staff.create(username="admin", name="管理员", password_hash="-", department=root)
    await admin.roles.add(await Role.get(code="admin"))
    principal = await principal_for(admin.id)
    assert principal is not None
    start, end = FIRST_DAY, FIRST_DAY + timedelta(days=DAYS // 10 - 1)
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        terms = await service.word_cloud(principal, start=start, end=end, limit=100)
        timings.append(time.perf_counter() - began)
    ours = sorted(timings)[2]
    began = time.perf_counter()
    rows = await connections.get("default").execute_query_dict(
        "SELECT text FROM analytics_review WHERE day BETWEEN $1 AND $2", [start, end]
    )
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(segmenter.terms(row["text"]))
    read_time = time.perf_counter() - began
    top = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:100]]
    same = top == [t.term for t in terms]
    ratio = read_time / ours
    return line(
        f"word cloud of {len(rows):,} of {reviews:,} reviews: read-time segmenting / rollups",
        ratio,
        f">= {TARGET_CLOUD:.0f}",
        ratio >= TARGET_CLOUD and same,
        f"rollups {ours * 1000:.1f} ms vs segmenting {read_time * 1000:.0f} ms; "
        f"same top terms: {'yes' if same else 'NO'}",
    )


def segment_figure(segmenter: rules.Segmenter, count: int) -> bool:
    corpus = texts(count, 2)
    bare = jieba.Tokenizer()
    bare.initialize()
    bare_runs, our_runs = [], []
    for _ in range(4):  # the first round warms both; then the best of three each, interleaved
        began = time.perf_counter()
        for text in corpus:
            list(bare.cut(text))
        bare_runs.append(time.perf_counter() - began)
        began = time.perf_counter()
        for text in corpus:
            segmenter.terms(text)
        our_runs.append(time.perf_counter() - began)
    bare_seconds, ours_seconds = min(bare_runs[1:]), min(our_runs[1:])
    ratio = bare_seconds / ours_seconds
    return line(
        f"write-time segmentation of {count:,} texts: ours / bare jieba.cut throughput",
        ratio,
        f">= {TARGET_SEGMENT}",
        ratio >= TARGET_SEGMENT,
        f"ours {count / ours_seconds:,.0f}/s vs bare {count / bare_seconds:,.0f}/s",
    )


async def run(reviews: int) -> list[bool]:
    async with bench_database():
        segmenter = await service.segmenter()
        await seed(reviews, segmenter)
        progress("measuring")
        return [
            await cloud_figure(reviews, segmenter),
            segment_figure(segmenter, min(max(reviews // 10, 2000), 50_000)),
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args()
    return 0 if all(asyncio.run(run(args.reviews))) else 1


if __name__ == "__main__":
    sys.exit(main())
