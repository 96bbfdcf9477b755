"""Timeout reminders through the beat task: once per period, to the current approver."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from crm_core import clock
from crm_core.approvals.models import ApprovalReminder
from crm_core.approvals.tasks import remind_overdue
from crm_core.audit import AuditLog
from scrm.schedule import BEAT_SCHEDULE
from tests.crm_core.approvals.factories import decide, make_org, submit

START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


async def reminders() -> list[tuple[int, int, datetime]]:
    rows = await ApprovalReminder.all().order_by("id")
    return [(r.step_seq, r.approver_id, r.at) for r in rows]


def test_the_beat_runs_the_reminders() -> None:
    assert BEAT_SCHEDULE["approvals-remind-overdue"]["task"] == "crm_core.approvals.remind_overdue"


async def test_a_request_pending_too_long_reminds_its_approver_once_per_period(
    client: httpx.AsyncClient,
) -> None:
    org = await make_org()
    with clock.freeze(START):
        request_id = (await submit(client, org.rep, org.customer.id, 2_000_000)).json()["id"]
    with clock.freeze(START + timedelta(hours=23, minutes=59)):
        assert await remind_overdue() == 0
    assert await reminders() == []
    late = START + timedelta(hours=24)
    with clock.freeze(late):
        # Two beats at once remind once.
        counts = await asyncio.gather(remind_overdue(), remind_overdue())
        assert sorted(counts) == [0, 1]
    with clock.freeze(late + timedelta(hours=23)):
        assert await remind_overdue() == 0
    assert await reminders() == [(1, org.manager.id, late)]
    # The manager approves: the director's clock starts then.
    with clock.freeze(late + timedelta(hours=23, minutes=30)):
        response = await decide(client, org.manager, request_id, "approve", step=1, version=0)
        assert response.status_code == 200, response.text
    with clock.freeze(late + timedelta(hours=47, minutes=30)):
        assert await remind_overdue() == 1
    assert [r[:2] for r in await reminders()] == [(1, org.manager.id), (2, org.director.id)]
    assert await AuditLog.filter(action="approval.reminded").count() == 2


async def test_decided_requests_never_remind(client: httpx.AsyncClient) -> None:
    org = await make_org()
    with clock.freeze(START):
        request_id = (await submit(client, org.rep, org.customer.id, 100_000)).json()["id"]
        await decide(client, org.manager, request_id, "approve", step=1, version=0)
    with clock.freeze(START + timedelta(days=5)):
        assert await remind_overdue() == 0
    assert await reminders() == []
