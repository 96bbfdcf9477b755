"""Campaigns at 1M members, each figure against a baseline measured in the same run:

1. freeze: the campaign's `INSERT … SELECT` (campaigns.mass.repository.freeze over a saved
   segment's compiled SQL) against a hand-written `INSERT … SELECT` of the same rows into the same
   table (emptied in between); target bare/ours >= 0.5.
2. mass send: `send_mass_batches` after the freeze (numbering, 100 calls of 10 000 openids to the
   sandbox, marking the rows) in under 60 s; the bare 100 HTTP calls are printed for context.
3. template messages: the campaign pump for the template plan (claim, render, route, send, record)
   against a bare HTTP client posting the same messages, at the same concurrency, in interleaved
   rounds (bare, then ours); the median round's ratio, target >= 0.8.
4. segment count: a multi-condition rule compiled by campaigns.segments.rules and counted by its
   repository, against the hand-written SQL of the same predicate; target ours/hand <= 1.5.

Data is written set-based (generate_series); the sandbox runs as its own uvicorn process whose
1M users are created in its state object at start-up. Progress goes to stderr.

Run: python -m bench.campaigns [--members N] [--templates N]
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI, Request
from tortoise import connections

from bench.support import bench_database
from bench.webhook import UVICORN, free_port
from campaigns.mass import repository as mass_repository
from campaigns.mass import service as mass_service
from campaigns.mass.models import Campaign, CampaignStatus, ChannelPlan, MassJob
from campaigns.segments import repository as segment_repository
from campaigns.segments import rules as segment_rules
from campaigns.segments import service as segment_service
from campaigns.segments.models import Segment
from campaigns.segments.schemas import RuleIn
from campaigns.sends.models import Delivery
from crm_core import clock, jobs
from crm_core.audit import SYSTEM
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from crm_core.permissions import ALL, Principal
from crm_core.redis import get_redis
from wechat.models import AccountMode, OfficialAccount
from wechat.schemas import AccountCreate
from wechat.service import accounts

APPID, SECRET, TOKEN = "wxbenchcampaign01", "bench-secret", "benchtoken"
TEMPLATE_ID = "TPL_BENCH_POINTS"
MASS_BATCH = mass_service.MASS_BATCH
TARGET_FREEZE, TARGET_MASS_SECONDS, TARGET_TEMPLATE, TARGET_COUNT = 0.5, 60.0, 0.8, 1.5
COUNT_ROUNDS = 3
STARTED = time.monotonic()
EVERY_FOLLOWER: dict[str, Any] = {
    "match": "all",
    "groups": [
        {"match": "all", "conditions": [{"field": "subscribed", "op": "is", "value": True}]}
    ],
}


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def verdict(met: bool) -> str:
    return "ok" if met else "FAIL"


# --- the sandbox, in its own process --------------------------------------------------------


def sandbox_app() -> FastAPI:
    """`uvicorn --factory bench.campaigns:sandbox_app`: the WeChat sandbox with
    BENCH_SANDBOX_USERS followers created in its state object (no 1M HTTP calls)."""
    from wechat.sandbox import create_sandbox_app

    app = create_sandbox_app(
        apps=[{"appid": APPID, "secret": SECRET, "token": TOKEN, "templates": [TEMPLATE_ID]}]
    )
    state = app.state.sandbox
    for number in range(1, int(os.environ["BENCH_SANDBOX_USERS"]) + 1):
        state.add_user(APPID, openid=openid(number), subscribed=True)

    @app.get("/__bench/outbox")
    async def outbox(request: Request) -> dict[str, int]:
        """What the fake WeChat took: calls and recipients per kind (the full outbox is huge)."""
        counts: dict[str, int] = {}
        for entry in state.outbox:
            kind, touser = entry["kind"], entry["touser"]
            counts[f"{kind}_calls"] = counts.get(f"{kind}_calls", 0) + 1
            reached = len(touser) if isinstance(touser, list) else 1
            counts[f"{kind}_users"] = counts.get(f"{kind}_users", 0) + reached
        return counts

    return app


def openid(number: int) -> str:
    return f"o_bench_{number}"


@contextlib.asynccontextmanager
async def sandbox(users: int) -> AsyncIterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.campaigns:sandbox_app",
            *UVICORN,
            "--port",
            str(port),
        ],
        env={**os.environ, "BENCH_SANDBOX_USERS": str(users)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        async with httpx.AsyncClient() as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"sandbox exited with {process.returncode}")
                try:
                    await client.get(f"{url}/__bench/outbox")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


# --- data ------------------------------------------------------------------------------------


async def execute(sql: str, params: list[Any] | None = None) -> int:
    count, _ = await connections.get("default").execute_query(sql, params or [])
    return int(count)


async def scalar(sql: str, params: list[Any] | None = None) -> Any:
    rows = await connections.get("default").execute_query_dict(sql, params or [])
    return next(iter(rows[0].values()))


async def seed(members: int, now: datetime) -> int:
    """Tiers, members with phones and cards, points accounts and one follower each on one
    official account; returns the account id."""
    await accounts.create_account(
        SYSTEM,
        AccountCreate(
            appid=APPID,
            name="压测号",
            secret=SECRET,  # type: ignore[arg-type]
            token=TOKEN,  # type: ignore[arg-type]
            mode=AccountMode.PLAIN,
        ),
    )
    account_id = int((await OfficialAccount.get(appid=APPID)).id)
    await execute(
        "INSERT INTO loyalty_tier (code, name, rank, threshold, multiplier_percent,"
        " discount_percent, birthday_points, created_at) VALUES"
        " ('silver', '银卡', 1, 0, 100, 100, 0, $1), ('gold', '金卡', 2, 5000, 120, 95, 100, $1),"
        " ('platinum', '铂金卡', 3, 20000, 150, 90, 300, $1)",
        [now],
    )
    progress(f"seeding {members:,} members")
    await execute(
        """
        INSERT INTO members_member (id, name, phone, card_no, card_bound_at, first_store_id,
            first_channel, first_touch_at, last_channel, last_touch_at, gender, birthday,
            birthday_calendar, province, city, district, address, created_at)
        SELECT g, '会员' || g, '+86139' || lpad(g::text, 8, '0'), 'B' || lpad(g::text, 15, '0'),
            $1::timestamptz - (g % 900) * interval '1 day', NULL,
            (ARRAY['poster', 'parcel', 'event', 'store'])[1 + g % 4],
            $1::timestamptz - (g % 900) * interval '1 day',
            (ARRAY['poster', 'parcel', 'event', 'store'])[1 + g / 7 % 4],
            $1::timestamptz - (g % 300) * interval '1 day',
            (ARRAY['female', 'male', 'female', ''])[1 + g % 4],
            date '1960-01-01' + (g::bigint * 7919 % 18000)::int,
            'solar', (ARRAY['上海', '浙江', '广东', '四川', '北京'])[1 + g % 5], '', '', '',
            $1::timestamptz - (g % 900) * interval '1 day'
        FROM generate_series(1, $2) g
        """,
        [now, members],
    )
    await execute("SELECT setval('members_member_id_seq', $1)", [members])
    progress("seeding points accounts")
    await execute(
        """
        INSERT INTO loyalty_account (member_id, balance, lifetime_earned, tier_id, tier_since,
            lifecycle, last_purchase_at, created_at)
        SELECT g, g % 5000, g % 30000, t.id, $1,
            (ARRAY['new', 'active', 'dormant', 'churned'])[1 + g % 4],
            CASE WHEN g % 10 > 0 THEN $1::timestamptz - (g % 365) * interval '1 day' END, $1
        FROM generate_series(1, $2) g
        JOIN loyalty_tier t ON t.rank = 1 + g % 3
        """,
        [now, members],
    )
    progress("seeding followers")
    await execute(
        """
        INSERT INTO wechat_fan (openid, unionid, nickname, remark, subscribed, follow_count,
            first_subscribed_at, subscribed_at, channel, province, city, blacklisted,
            member_id, created_at, account_id)
        SELECT 'o_bench_' || g, '', '', '', true, 1, $1::timestamptz - (g % 900) * interval '1 day',
            $1::timestamptz - (g % 900) * interval '1 day', '', '', '', false, g, $1, $3
        FROM generate_series(1, $2) g
        """,
        [now, members, account_id],
    )
    progress("analyze")
    await connections.get("default").execute_script("ANALYZE")
    return account_id


async def saved_segment(name: str, rule: dict[str, Any], now: datetime) -> int:
    row = await Segment.create(name=name, rule=rule, member_count=0, created_at=now, updated_at=now)
    return int(row.id)


async def campaign(name: str, segment_id: int, plan: ChannelPlan, content: dict[str, Any]) -> int:
    now = clock.utc_now()
    row = await Campaign.create(
        name=name,
        segment_id=segment_id,
        plan=plan,
        content={"text": "", "template_id": "", "template_data": {}, "sms": "", **content},
        status=CampaignStatus.FREEZING,
        started_at=now,
        created_at=now,
        updated_at=now,
    )
    return int(row.id)


def principal() -> Principal:
    return Principal(
        staff_id=0,
        username="bench",
        name="压测",
        department_id=None,
        store_id=None,
        permissions=frozenset({ALL}),
        data_scope="all",
    )


async def timed(operation: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await operation()
    return time.perf_counter() - started, result


# --- 1. freeze -------------------------------------------------------------------------------


async def freeze(members: int, now: datetime) -> tuple[bool, int]:
    segment_id = await saved_segment("全部关注粉丝", EVERY_FOLLOWER, now)
    campaign_id = await campaign(
        "双12 群发", segment_id, ChannelPlan.MASS, {"text": "双12 全场 8 折"}
    )
    key = mass_repository.intent_key(campaign_id)
    # The same rows, as one would write them by hand: no segment compiler, no ON CONFLICT.
    bare_sql = """
        INSERT INTO campaigns_delivery (idempotency_key, intent_key, kind, member_id, campaign_id,
            channel, status, reason, error_code, error_message, content, excluded, attempts,
            created_at, updated_at)
        SELECT $1 || m.id, $2, 'campaign', m.id, $3, '', 'queued', '', '', '', '{}', '', 0, $4, $4
        FROM members_member m
        WHERE m.merged_into_id IS NULL
          AND EXISTS (SELECT 1 FROM wechat_fan f WHERE f.member_id = m.id AND f.subscribed)
    """
    await connections.get("default").execute_script("CHECKPOINT")
    progress("freeze: bare INSERT … SELECT")
    bare_seconds, _ = await timed(lambda: execute(bare_sql, [f"{key}:", key, campaign_id, now]))
    bare_rows = await mass_repository.recipients(campaign_id)
    # Ours starts on an empty table too (the checkpoint before the bare run is not repeated: it
    # takes close to a minute here, and leaving the bare run's writes to flush favours the bare).
    await connections.get("default").execute_script("TRUNCATE campaigns_delivery")

    async def ours() -> int:
        sql, params = await segment_service.segment_member_ids_sql(segment_id, principal())
        async with unit_of_work() as connection:
            # As the service does: the INSERT's own row count is not reported (Tortoise reads
            # the OID of "INSERT 0 n"), so the ledger is counted in the same transaction.
            await mass_repository.freeze(campaign_id, sql, params, now, connection)
            total = await mass_repository.recipients(campaign_id, connection)
        await mass_repository.analyze_ledger()
        return total

    progress("freeze: campaigns.mass.repository.freeze")
    seconds, rows = await timed(ours)
    await Campaign.filter(id=campaign_id).update(status=CampaignStatus.RUNNING, recipients=rows)
    ratio = bare_seconds / seconds
    met = ratio >= TARGET_FREEZE and rows == bare_rows == members
    print(
        f"freeze {rows:,} recipients: ours {seconds:.1f} s, bare INSERT … SELECT "
        f"{bare_seconds:.1f} s ({bare_rows:,} rows); bare/ours {ratio:.2f} "
        f"(target >= {TARGET_FREEZE}) {verdict(met)}",
        flush=True,
    )
    return met, campaign_id


# --- 2. mass send ----------------------------------------------------------------------------


async def bare_mass(url: str, members: int) -> float:
    """The same number of 10 000-openid mass sends, posted by a bare client one after another."""
    async with httpx.AsyncClient(timeout=60) as client:
        token = await access_token(client, url)
        started = time.perf_counter()
        for batch, first in enumerate(range(1, members + 1, MASS_BATCH)):
            openids = [openid(n) for n in range(first, min(first + MASS_BATCH, members + 1))]
            answer = await client.post(
                f"{url}/cgi-bin/message/mass/send",
                params={"access_token": token},
                json={
                    "touser": openids,
                    "msgtype": "text",
                    "text": {"content": "双12 全场 8 折"},
                    "clientmsgid": f"bare:{batch}",
                },
            )
            if answer.json().get("errcode"):
                raise RuntimeError(f"bare mass send refused: {answer.text}")
        return time.perf_counter() - started


async def access_token(client: httpx.AsyncClient, url: str) -> str:
    answer = await client.post(
        f"{url}/cgi-bin/stable_token",
        json={"grant_type": "client_credential", "appid": APPID, "secret": SECRET},
    )
    return str(answer.json()["access_token"])


async def mass(url: str, members: int, campaign_id: int) -> bool:
    progress("mass: bare HTTP calls")
    bare_seconds = await bare_mass(url, members)
    progress("mass: send_mass_batches")
    row = await Campaign.get(id=campaign_id)
    seconds, sent = await timed(lambda: mass_service.send_mass_batches(row))
    batches = -(-members // MASS_BATCH)
    jobs_ = await MassJob.filter(campaign_id=campaign_id, msg_id__not_isnull=True).count()
    met = seconds < TARGET_MASS_SECONDS and sent == members and jobs_ == batches
    print(
        f"mass send to {sent:,} fans in {jobs_} calls: {seconds:.1f} s "
        f"(target < {TARGET_MASS_SECONDS:.0f} s) {verdict(met)}; "
        f"bare {batches} calls alone: {bare_seconds:.1f} s",
        flush=True,
    )
    return met


# --- 3. template messages --------------------------------------------------------------------


TEMPLATE_ROUNDS = 3  # interleaved bare/ours rounds; the figure is the median of their ratios


def template_rounds(members: int, count: int) -> int:
    """Rounds that fit: ours takes members from the bottom, the bare client from the top."""
    return min(TEMPLATE_ROUNDS, max(1, members // (2 * count)))


async def template_campaign(now: datetime) -> int:
    """A running template campaign with no rows yet (`template_rows` adds each round's)."""
    segment_id = await saved_segment("模板消息人群", {"match": "all", "groups": []}, now)
    campaign_id = await campaign(
        "积分提醒",
        segment_id,
        ChannelPlan.TEMPLATE,
        {
            "template_id": TEMPLATE_ID,
            "template_data": {"first": "{name}，您好", "points": "{points}"},
        },
    )
    await Campaign.filter(id=campaign_id).update(status=CampaignStatus.RUNNING)
    return campaign_id


async def template_rows(campaign_id: int, first: int, count: int, now: datetime) -> None:
    """Frozen rows for members first..first+count-1, as a freeze would leave them."""
    key = mass_repository.intent_key(campaign_id)
    await execute(
        "INSERT INTO campaigns_delivery (idempotency_key, intent_key, kind, member_id, campaign_id,"
        " channel, status, reason, error_code, error_message, content, excluded, attempts,"
        " created_at, updated_at)"
        " SELECT $1 || g, $2, 'campaign', g, $3, '', 'queued', '', '', '', '{}', '', 0, $4, $4"
        " FROM generate_series($5::int, $6::int) g",
        [f"{key}:", key, campaign_id, now, first, first + count - 1],
    )
    # The previous round's senders finished the campaign: it runs again with the new rows.
    await Campaign.filter(id=campaign_id).update(
        status=CampaignStatus.RUNNING, recipients=first + count - 1, finished_at=None
    )


async def bare_templates(url: str, first: int, count: int, clients: int) -> float:
    numbers = iter(range(first, first + count))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=clients)) as client:
        token = await access_token(client, url)

        async def loop() -> None:
            for number in numbers:
                answer = await client.post(
                    f"{url}/cgi-bin/message/template/send",
                    params={"access_token": token},
                    json={
                        "touser": openid(number),
                        "template_id": TEMPLATE_ID,
                        "data": {
                            "first": {"value": f"会员{number}，您好"},
                            "points": {"value": "0"},
                        },
                        "client_msg_id": f"bare-{number}",
                    },
                )
                if answer.json().get("errcode"):
                    raise RuntimeError(f"bare template send refused: {answer.text}")

        started = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(clients)))
        return time.perf_counter() - started


async def pumps(campaign_id: int, clients: int) -> float:
    """The campaign's senders, `clients` at once, until no row is left (a pump hands on after
    its time slice, as its Celery task would)."""
    started = time.perf_counter()
    with jobs.capture():
        while await Delivery.filter(campaign_id=campaign_id, status="queued").exists():
            await asyncio.gather(*(mass_service.pump(campaign_id) for _ in range(clients)))
    return time.perf_counter() - started


async def templates(url: str, members: int, count: int, now: datetime) -> bool:
    """Rounds of: the bare client sends `count` messages, then the campaign pumps send `count`
    rows to other members. Pairing each round's two runs keeps a load swing on this shared
    machine from landing on one side only; the median round is the figure."""
    clients = get_settings().sends.campaign_senders
    campaign_id = await template_campaign(now)
    ratios: list[float] = []
    rounds = template_rounds(members, count)
    for number in range(rounds):
        first = number * count + 1
        await template_rows(campaign_id, first, count, now)
        progress(
            f"templates round {number + 1}: bare client, {count:,} messages at {clients} at once"
        )
        bare_seconds = await bare_templates(url, members - (number + 1) * count + 1, count, clients)
        progress(f"templates round {number + 1}: campaign pumps")
        seconds = await pumps(campaign_id, clients)
        ratios.append(bare_seconds / seconds)
        print(
            f"  round {number + 1}: ours {count / seconds:,.0f}/s, bare client "
            f"{count / bare_seconds:,.0f}/s, ratio {bare_seconds / seconds:.2f}",
            flush=True,
        )
    sent = await Delivery.filter(campaign_id=campaign_id, status="sent", channel="template").count()
    ratio = statistics.median(ratios)
    met = ratio >= TARGET_TEMPLATE and sent == rounds * count
    print(
        f"template messages ({sent:,} of {rounds * count:,} sent, {clients} senders, "
        f"{rounds} rounds): median ratio ours/bare {ratio:.2f} (target >= {TARGET_TEMPLATE}) "
        f"{verdict(met)}",
        flush=True,
    )
    return met


# --- 4. segment count ------------------------------------------------------------------------

COUNT_RULE: dict[str, Any] = {
    "match": "all",
    "groups": [
        {
            "match": "all",
            "conditions": [
                {"field": "tier", "op": "in", "value": []},  # gold and platinum, filled in
                {"field": "last_purchase", "op": "within", "value": 90},
                {"field": "subscribed", "op": "is", "value": True},
                {"field": "sms_suppressed", "op": "is", "value": False},
            ],
        },
        {
            "match": "any",
            "conditions": [
                {"field": "province", "op": "in", "value": ["上海", "浙江"]},
                {"field": "gender", "op": "in", "value": ["female"]},
                {"field": "age", "op": "between", "value": [25, 35]},
            ],
        },
    ],
}
HAND_COUNT = """
    SELECT count(*) FROM members_member m JOIN loyalty_account a ON a.member_id = m.id
    WHERE m.merged_into_id IS NULL
      AND a.tier_id = ANY($1) AND a.last_purchase_at >= $2
      AND EXISTS (SELECT 1 FROM wechat_fan f WHERE f.member_id = m.id AND f.subscribed)
      AND NOT EXISTS (SELECT 1 FROM sms_suppression s WHERE s.phone = m.phone)
      AND (m.province IN ('上海', '浙江') OR m.gender = 'female'
           OR m.birthday BETWEEN $3 AND $4)
"""


async def segment_count(now: datetime) -> bool:
    tiers = [
        int(r["id"])
        for r in await connections.get("default").execute_query_dict(
            "SELECT id FROM loyalty_tier WHERE rank >= 2 ORDER BY id"
        )
    ]
    rule = {**COUNT_RULE, "groups": [dict(g) for g in COUNT_RULE["groups"]]}
    conditions = [dict(c) for c in rule["groups"][0]["conditions"]]
    conditions[0]["value"] = tiers
    rule["groups"][0]["conditions"] = conditions
    today = clock.local_now().date()
    # Aged 25..35 on today's date: born from (today - 36 years + 1 day) to (today - 25 years).
    born_from = today.replace(year=today.year - 36) + timedelta(days=1)
    born_to = today.replace(year=today.year - 25)
    hand = (HAND_COUNT, [tiers, now - timedelta(days=90), born_from, born_to])
    context = segment_rules.Context(now=now, today=today)
    ours_times, hand_times = [], []
    ours_n = hand_n = 0
    progress(f"segment count: {COUNT_ROUNDS} rounds each, alternating")
    for _ in range(COUNT_ROUNDS):
        # Compiling is part of ours: validation, the whitelist, the scope.
        async def ours() -> int:
            compiled = segment_rules.compile_rule(
                RuleIn.model_validate(rule).to_rule(),
                context,
                await segment_repository.scope_sql(principal()),
            )
            return await segment_repository.count(compiled)

        seconds, ours_n = await timed(ours)
        ours_times.append(seconds)
        seconds, hand_n = await timed(lambda: scalar(*hand))
        hand_times.append(seconds)
    best, hand_best = min(ours_times), min(hand_times)
    ratio = best / hand_best
    met = ratio <= TARGET_COUNT and ours_n == hand_n
    print(
        f"segment count ({ours_n:,} of the members, 7 conditions): ours {best * 1000:.0f} ms, "
        f"hand-written {hand_best * 1000:.0f} ms ({hand_n:,}); ours/hand {ratio:.2f} "
        f"(target <= {TARGET_COUNT}) {verdict(met)}",
        flush=True,
    )
    return met


# --- main ------------------------------------------------------------------------------------


async def run(members: int, template_count: int) -> bool:
    # Marketing hours (08:00-22:00 Shanghai) hold mass sends: the run happens at 11:00 today.
    today = clock.local_now().date()
    moment = datetime(today.year, today.month, today.day, 11, tzinfo=clock.SHANGHAI).astimezone(UTC)
    with clock.freeze(moment):
        async with bench_database(), sandbox(members) as url:
            os.environ["WECHAT_API_BASE"] = url
            get_settings.cache_clear()
            await get_redis().delete(f"wechat:{APPID}:access_token")
            now = clock.utc_now()
            await seed(members, now)
            progress("sandbox and database ready")
            count_met = await segment_count(now)
            freeze_met, campaign_id = await freeze(members, now)
            mass_met = await mass(url, members, campaign_id)
            template_met = await templates(url, members, template_count, now)
            async with httpx.AsyncClient() as client:
                took = (await client.get(f"{url}/__bench/outbox")).json()
            expected = {
                "mass_users": 2 * members,
                "template_calls": 2 * template_rounds(members, template_count) * template_count,
            }
            wrong = {k: (took.get(k), v) for k, v in expected.items() if took.get(k) != v}
            print(f"sandbox took: {took}" + (f"; unexpected: {wrong}" if wrong else ""))
    return count_met and freeze_met and mass_met and template_met and not wrong


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.campaigns")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--templates", type=int, default=2_000)
    args = parser.parse_args()
    met = asyncio.run(run(args.members, args.templates))
    progress("done")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
