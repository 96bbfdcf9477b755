"""Real processes: mass campaigns of the template plan (one WeChat call per member) on Celery
worker processes against the WeChat sandbox, issue 11's two bounds:

- 20 000 members, every worker process group SIGKILLed at 50 % and started again: 0 rows lost,
  duplicates at the sandbox ≤ the processes killed (target 0);
- a cancel stops the sends within 5 s, and nothing goes out afterwards.

The sandbox runs in this process (its outbox is read directly, every call stamped with a
monotonic clock); the workers are their own process groups, killed whole (prefork children too).
"""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import connections

from campaigns.segments.models import Segment
from campaigns.sends.models import Delivery
from crm_core import clock, jobs
from crm_core.celery import app as celery_app
from tests.campaigns.support import make_library_template
from tests.e2e.conftest import ARTIFACTS, ROOT, make_demo_account
from tests.factories import bearer, make_staff
from tests.wechat.support import Served, serve
from wechat.models import OfficialAccount
from wechat.sandbox import create_sandbox_app
from wechat.sandbox.__main__ import DEMO_APP
from wechat.sandbox.state import SandboxState
from wechat.sandbox.templates import from_seed

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
URL = "/api/v1/campaigns/campaigns"
TEMPLATE = "TPL_CAMPAIGN_E2E"
# Two worker processes of two prefork children each: the campaign's four senders at once.
WORKERS, CHILDREN = 2, 2
LEASE_SECONDS = 5
SHANGHAI_HOURS = timedelta(hours=8)


def _marketing_hours() -> tuple[str, str]:
    """A marketing window around now (Asia/Shanghai), so the run never waits for 08:00."""
    local = clock.utc_now() + SHANGHAI_HOURS
    return (local - timedelta(hours=1)).strftime("%H:%M"), (local + timedelta(hours=2)).strftime(
        "%H:%M"
    )


class Workers:
    """Celery worker processes, each the leader of its own process group."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.generation = 0
        self.killed = 0

    def start(self) -> None:
        self.generation += 1
        names = [f"campaign-worker-{n}-{self.generation}" for n in range(WORKERS)]
        ARTIFACTS.mkdir(exist_ok=True)
        for name in names:
            with (ARTIFACTS / f"e2e-{name}.log").open("wb") as log:
                self.processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "scrm.cli",
                            "worker",
                            "--pool",
                            "prefork",
                            "--concurrency",
                            str(CHILDREN),
                        ],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=self.env,
                        cwd=ROOT,
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            logs = [(ARTIFACTS / f"e2e-{n}.log").read_text(errors="replace") for n in names]
            if all(" ready." in log for log in logs):
                return
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError("a worker exited at start")
            time.sleep(0.2)
        raise TimeoutError(names)

    def kill(self) -> int:
        """SIGKILL every process of every worker's group; the number of processes killed."""
        killed = 0
        for process in self.processes:
            group = process.pid
            killed += len(_group_members(group))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            process.wait(10)
            deadline = time.monotonic() + 10
            while _group_members(group) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _group_members(group) == [], "a worker process survived SIGKILL"
        self.processes = []
        self.killed += killed
        return killed

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        self.processes = []


def _group_members(group: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(entry))
    return members


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Served]:
    served = serve(create_sandbox_app())
    yield served
    served.stop()


@pytest.fixture
def sandbox(sandbox_server: Served, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxState]:
    """The demo account with the campaign's template; every recorded message gets a
    `monotonic` stamp of when the sandbox took it."""
    state: SandboxState = sandbox_server.app.state.sandbox
    state.reset()
    state.add_app(**dict(DEMO_APP)).templates[TEMPLATE] = from_seed(TEMPLATE)
    record = state.record

    def stamped(*args: Any, **kwargs: Any) -> dict[str, Any]:
        entry = record(*args, **kwargs)
        entry["monotonic"] = time.monotonic()
        return entry

    monkeypatch.setattr(state, "record", stamped)
    yield state
    state.reset()


@pytest.fixture(scope="module")
def workers(sandbox_server: Served, booted: object) -> Iterator[Workers]:
    start, end = _marketing_hours()
    env = {
        **os.environ,
        "SCRM_ENV": "test",
        "WECHAT_API_BASE": sandbox_server.url,
        "SCRM_SENDS__CAMPAIGN_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
        "SCRM_SENDS__MARKETING_START": start,
        "SCRM_SENDS__MARKETING_END": end,
        # Crashes and cancel, not the template limit (1 000 a minute would need 20 minutes
        # here); tests/e2e/test_send_rate_limit.py covers the limit.
        "SCRM_SENDS__RATE_LIMITS": '{"template": [1000000, 60]}',
    }
    running = Workers(env)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def to_celery(published_jobs: list[jobs.Job]) -> None:
    """Jobs published by this process (the API's start) go to the real broker; the capture of
    `published_jobs` puts the previous publisher back after the test."""
    jobs.set_publisher(lambda job: celery_app.send_task(job.name, kwargs=job.kwargs))


async def build_world(state: SandboxState, size: int) -> OfficialAccount:
    """`size` members, each with a subscribed fan of the demo account; the same users in the
    sandbox. Set-based: two INSERT … SELECT."""
    await make_demo_account()
    await make_library_template(TEMPLATE, "{{thing1.DATA}}")
    account = await OfficialAccount.get(appid=DEMO_APP["appid"])
    db = connections.get("default")
    await db.execute_query(
        """
        INSERT INTO members_member (name, created_at, first_channel, last_channel, address,
            birthday_calendar, city, district, gender, province)
        SELECT '会员' || n, now(), '', '', '', 'solar', '', '', '', ''
        FROM generate_series(1, $1) AS n
        """,
        [size],
    )
    await db.execute_query(
        """
        INSERT INTO wechat_fan (openid, unionid, nickname, remark, subscribed, follow_count,
            first_subscribed_at, subscribed_at, channel, province, city, blacklisted,
            last_interaction_at, member_id, created_at, account_id)
        SELECT 'o_e2e_' || m.id, '', '', '', true, 1, now() - interval '30 days',
            now() - interval '30 days', '', '', '', false, now() - interval '5 days', m.id, now(),
            $1
        FROM members_member m
        """,
        [account.id],
    )
    await db.execute_script("ANALYZE members_member; ANALYZE wechat_fan")
    ids = [int(r["id"]) for r in await db.execute_query_dict("SELECT id FROM members_member")]
    for member_id in ids:
        state.add_user(DEMO_APP["appid"], openid=f"o_e2e_{member_id}", subscribed=True)
    return account


async def start_campaign(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> int:
    segment = await Segment.create(
        name=f"全体会员 {name}",
        rule={"match": "all", "groups": []},
        created_at=clock.utc_now(),
        updated_at=clock.utc_now(),
    )
    created = await client.post(
        URL,
        json={
            "name": name,
            "segment_id": segment.id,
            "plan": "template",
            "content": {"template_id": TEMPLATE, "template_data": {"thing1": "{name}，双12 预热"}},
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    started = await client.post(f"{URL}/{created.json()['id']}/start", headers=headers)
    assert (started.status_code, started.json()["status"]) == (200, "freezing"), started.text
    return int(created.json()["id"])


def sends_of(state: SandboxState) -> list[dict[str, Any]]:
    return [
        e
        for e in list(state.outbox)
        if e["kind"] == "template" and e["payload"]["template_id"] == TEMPLATE
    ]


async def statuses(campaign_id: int) -> Counter[str]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT status, count(*) AS n FROM campaigns_delivery WHERE campaign_id = $1"
        " GROUP BY status",
        [campaign_id],
    )
    return Counter({str(r["status"]): int(r["n"]) for r in rows})


async def campaign_status(campaign_id: int) -> str:
    rows = await connections.get("default").execute_query_dict(
        "SELECT status FROM campaigns_campaign WHERE id = $1", [campaign_id]
    )
    return str(rows[0]["status"])


@contextlib.asynccontextmanager
async def resuming() -> AsyncIterator[None]:
    """The beat's `campaigns.resume_campaigns` (every 30 s in production), every 2 s."""

    async def beat() -> None:
        while True:
            celery_app.send_task("campaigns.resume_campaigns")
            await asyncio.sleep(2)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def wait_until(probe: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await probe():
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what} not reached in {timeout:.0f} s")


MEMBERS = 20_000


async def test_every_worker_killed_halfway_loses_nothing_and_sends_each_template_once(
    client: httpx.AsyncClient,
    sandbox: SandboxState,
    workers: Workers,
    to_celery: None,
) -> None:
    await build_world(sandbox, MEMBERS)
    headers = await bearer(await make_staff("marketer"))
    began = time.monotonic()
    campaign_id = await start_campaign(client, headers, "双12 预热")

    async def half_finished() -> bool:
        counts = await statuses(campaign_id)
        return sum(counts.values()) == MEMBERS and counts["sent"] >= MEMBERS // 2

    async def done() -> bool:
        return await campaign_status(campaign_id) == "done"

    async with resuming():
        await wait_until(half_finished, 400, "50 % sent")
        at_kill = time.monotonic()
        killed = workers.kill()
        sent_at_kill = (await statuses(campaign_id))["sent"]
        assert killed == WORKERS * (1 + CHILDREN)
        workers.start()
        await wait_until(done, 400, "the campaign done")
    finished = time.monotonic()

    counts = await statuses(campaign_id)
    per_openid = Counter(e["touser"] for e in sends_of(sandbox))
    duplicates = sum(n - 1 for n in per_openid.values())
    print(
        f"\n{MEMBERS} template sends: {finished - began:.0f} s in all,"
        f" {at_kill - began:.0f} s to the kill at {sent_at_kill} sent,"
        f" {finished - at_kill:.0f} s after it; {killed} processes killed,"
        f" {duplicates} duplicate sends"
    )
    assert counts == Counter({"sent": MEMBERS})
    assert set(per_openid) == {f"o_e2e_{n}" for n in range(1, MEMBERS + 1)}
    assert duplicates <= killed
    rows = await Delivery.filter(campaign_id=campaign_id, channel="template").count()
    assert rows == MEMBERS
    progress = (await client.get(f"{URL}/{campaign_id}/progress", headers=headers)).json()
    assert {k: progress[k] for k in ("status", "recipients", "finished", "percent")} == {
        "status": "done",
        "recipients": MEMBERS,
        "finished": MEMBERS,
        "percent": 100,
    }
    assert progress["by_channel"] == {"template": MEMBERS}


CANCEL_MEMBERS = 4_000


async def test_cancel_stops_the_sends_within_five_seconds(
    client: httpx.AsyncClient,
    sandbox: SandboxState,
    workers: Workers,
    to_celery: None,
) -> None:
    await build_world(sandbox, CANCEL_MEMBERS)
    headers = await bearer(await make_staff("marketer"))
    campaign_id = await start_campaign(client, headers, "双12 第二波")

    async def sending() -> bool:
        return len(sends_of(sandbox)) >= 200

    async with resuming():  # the beat runs on, and must not wake a cancelled campaign
        await wait_until(sending, 120, "200 sends")
        cancelled = await client.post(f"{URL}/{campaign_id}/cancel", headers=headers)
        answered = time.monotonic()
        assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
        await asyncio.sleep(5)
        by_five = len(sends_of(sandbox))
        await asyncio.sleep(10)
        calls = sends_of(sandbox)
    last = max(e["monotonic"] for e in calls)
    print(f"\nlast send {last - answered:.2f} s after the cancel answered; {len(calls)} sent")

    assert last - answered <= 5
    assert len(calls) == by_five < CANCEL_MEMBERS
    counts = await statuses(campaign_id)
    assert set(counts) == {"sent", "cancelled"}
    assert counts["sent"] == len({e["touser"] for e in calls})
    assert counts["cancelled"] == CANCEL_MEMBERS - counts["sent"]
    assert await campaign_status(campaign_id) == "cancelled"
