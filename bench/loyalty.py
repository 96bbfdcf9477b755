"""Points redemptions and big-wheel draws at 64 concurrent clients, through the real services
(row locks, ledger, lots, stock), against a single-row PostgreSQL UPDATE in the same run.

Anomalies (must be 0): ledger invariant violations, balances that do not add up, oversold
stock, awards beyond the stock, and unexpected errors.

Run: python -m bench.loyalty
"""

import asyncio
import itertools
from datetime import timedelta

from tortoise import connections

from bench.support import Result, bench_database, run_closed_loop
from crm_core import clock
from crm_core.errors import CRMError
from loyalty.errors import InsufficientPointsError
from loyalty.lottery.models import Activity, Award, Draw, DrawOutcome, Prize, PrizeKind
from loyalty.lottery.service import draw
from loyalty.points.models import Account, EntryKind
from loyalty.points.service.accounts import check_invariants, earn_points, redeem_points
from members.models import Member

CLIENTS = 64
MEMBERS, START_POINTS, REDEMPTIONS = 256, 10_000, 4_000
HOT_POINTS, HOT_ATTEMPTS = 1_000, 2_000
DRAWS, PRIZE_STOCK = 2_000, 500


async def baseline() -> Result:
    connection = connections.get("default")
    await connection.execute_script(
        "CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint);"
        "INSERT INTO bench_counter VALUES (1, 0);"
    )
    return await run_closed_loop(
        lambda: connection.execute_query("UPDATE bench_counter SET n = n + 1 WHERE id = 1"),
        clients=CLIENTS,
        total=REDEMPTIONS,
    )


async def members(count: int, points: int) -> list[int]:
    ids = []
    for number in range(count):
        member = await Member.create(name=f"压测会员{number}", created_at=clock.utc_now())
        if points:
            await earn_points(
                member.id, points, kind=EntryKind.ADJUST, key=f"bench-seed-{member.id}"
            )
        ids.append(member.id)
    return ids


async def redemptions() -> tuple[Result, int]:
    ids = await members(MEMBERS, START_POINTS)
    keys, errors = itertools.count(), [0]

    async def one() -> None:
        number = next(keys)
        try:
            await redeem_points(ids[number % MEMBERS], 10, key=f"bench-redeem-{number}")
        except CRMError:
            errors[0] += 1

    result = await run_closed_loop(one, clients=CLIENTS, total=REDEMPTIONS)
    total = sum(await Account.filter(member_id__in=ids).values_list("balance", flat=True))
    anomalies = errors[0] + abs(total - (MEMBERS * START_POINTS - 10 * REDEMPTIONS)) // 10
    return result, anomalies + len(await check_invariants())


async def hot_account() -> tuple[Result, int]:
    """Every client on one member: exactly balance / 10 may succeed."""
    (member_id,) = await members(1, HOT_POINTS)
    keys, outcomes = itertools.count(), {"ok": 0, "refused": 0, "other": 0}

    async def one() -> None:
        try:
            await redeem_points(member_id, 10, key=f"bench-hot-{next(keys)}")
            outcomes["ok"] += 1
        except InsufficientPointsError:
            outcomes["refused"] += 1
        except CRMError:
            outcomes["other"] += 1

    result = await run_closed_loop(one, clients=CLIENTS, total=HOT_ATTEMPTS)
    balance = (await Account.get(member_id=member_id)).balance
    anomalies = abs(outcomes["ok"] - HOT_POINTS // 10) + outcomes["other"] + (balance != 0)
    return result, anomalies + len(await check_invariants())


async def draws() -> tuple[Result, int]:
    now = clock.utc_now()
    activity = await Activity.create(
        name="压测转盘",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        free_draws_per_day=1,
    )
    prize = await Prize.create(
        activity=activity,
        name="保温杯",
        kind=PrizeKind.PHYSICAL,
        weight=1,
        stock=PRIZE_STOCK,
        stock_total=PRIZE_STOCK,
    )
    await Prize.create(activity=activity, name="谢谢参与", kind=PrizeKind.NONE, weight=1)
    ids = await members(DRAWS, 0)
    numbers, errors, wins = itertools.count(), [0], [0]

    async def one() -> None:
        member_id = ids[next(numbers)]
        try:
            outcome = await draw(activity.id, member_id, key=f"bench-draw-{member_id}")
        except CRMError:
            errors[0] += 1
            return
        wins[0] += outcome.outcome == DrawOutcome.WIN

    result = await run_closed_loop(one, clients=CLIENTS, total=DRAWS)
    await prize.refresh_from_db()
    awards = await Award.filter(prize_id=prize.id).count()
    anomalies = (
        errors[0]
        + abs(awards + (prize.stock or 0) - PRIZE_STOCK)
        + abs(awards - wins[0])
        + abs(await Draw.all().count() - DRAWS)
    )
    return result, anomalies


def line(name: str, subject: Result, base: Result, anomalies: int) -> None:
    print(
        f"{name}: {subject.rate:,.0f} ops/s (p50 {subject.median_ms:.1f} ms, "
        f"p99 {subject.percentile(0.99):.1f} ms), ratio to baseline "
        f"{subject.rate / base.rate:.2f}, anomalies {anomalies}"
    )


async def main() -> None:
    async with bench_database():
        base = await baseline()
        print(
            f"baseline single-row UPDATE: {base.rate:,.0f} ops/s at {CLIENTS} clients "
            f"(p50 {base.median_ms:.1f} ms)"
        )
        redeem_result, redeem_anomalies = await redemptions()
        line("redemptions (256 members)", redeem_result, base, redeem_anomalies)
        hot_result, hot_anomalies = await hot_account()
        line("redemptions (one hot member)", hot_result, base, hot_anomalies)
        draw_result, draw_anomalies = await draws()
        line("draws (stock 500, 2000 members)", draw_result, base, draw_anomalies)
        total = redeem_anomalies + hot_anomalies + draw_anomalies
        print(f"anomalies: {total}")
        if total:
            raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
