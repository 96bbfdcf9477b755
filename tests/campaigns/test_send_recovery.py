"""Rows nobody will finish: dead letters after the last transient failure, and the beat sweep
that sends again what a killed worker or a lost task left behind."""

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from campaigns import tasks
from campaigns.sends import service
from campaigns.sends.models import Delivery
from crm_core import clock, jobs
from crm_core.celery import app as celery_app
from tests.campaigns.support import CONTENT, MONDAY_11, make_fan, make_member
from tests.campaigns.test_sends import account_token, kinds
from tests.wechat.support import Served
from wechat.errors import SystemBusyError, WeChatUnavailableError
from wechat.models import OfficialAccount
from wechat.sandbox.state import SandboxState

TEMPLATE_SEND = "/cgi-bin/message/template/send"


@pytest.fixture(autouse=True)
def monday() -> Iterator[None]:
    with clock.freeze(MONDAY_11):
        yield


async def queued_row(account: OfficialAccount) -> int:
    member = await make_member(phone="+8613800138001")
    await make_fan(account, member, "o_alice")
    delivery_id, _ = await service.enqueue("care:t:1", "test", member.id, CONTENT)
    return delivery_id


async def claimed_by_a_dead_worker(account: OfficialAccount, *, attempts: int) -> int:
    """A row a worker claimed at MONDAY_11 before it died without answering."""
    delivery_id = await queued_row(account)
    await Delivery.filter(id=delivery_id).update(
        status="sending", claimed_at=MONDAY_11, updated_at=MONDAY_11, attempts=attempts
    )
    return delivery_id


async def inject(sandbox_server: Served, errcode: int, count: int) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{sandbox_server.url}/__admin/inject",
            json={"path": TEMPLATE_SEND, "errcode": errcode, "count": count},
        )
        assert response.status_code == 200


def deliveries(published_jobs: list[jobs.Job]) -> list[int]:
    return [j.kwargs["delivery_id"] for j in published_jobs if j.name == service.DELIVER]


def test_celery_retries_until_the_last_attempt_the_ledger_counts() -> None:
    deliver = celery_app.tasks["campaigns.deliver_message"]
    assert (deliver.max_retries, deliver.autoretry_for) == (
        service.MAX_ATTEMPTS - 1,
        (WeChatUnavailableError, SystemBusyError),
    )


async def test_the_last_transient_failure_ends_failed_with_the_code(
    account: OfficialAccount, sandbox: SandboxState, sandbox_server: Served
) -> None:
    delivery_id = await queued_row(account)
    await account_token(account)
    await inject(sandbox_server, -1, service.MAX_ATTEMPTS)
    for attempt in range(1, service.MAX_ATTEMPTS):
        with pytest.raises(SystemBusyError):
            await tasks.deliver_message(delivery_id)
        row = await Delivery.get(id=delivery_id)
        assert (row.status, row.attempts, row.error_code) == ("queued", attempt, "-1")
    assert await tasks.deliver_message(delivery_id) == "failed"
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.reason, row.error_code, row.attempts, row.channel) == (
        "failed",
        "retries_exhausted",
        "-1",
        service.MAX_ATTEMPTS,
        "",
    )
    assert row.error_message.startswith("system error")
    assert sandbox.outbox == []
    # A late duplicate of the task finds the row finished and sends nothing.
    assert await tasks.deliver_message(delivery_id) == "failed"
    assert sandbox.outbox == []


async def test_a_row_claimed_too_often_is_dead_lettered_without_sending(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    """A message that kills its worker every time must not kill workers forever."""
    delivery_id = await claimed_by_a_dead_worker(account, attempts=service.MAX_ATTEMPTS)
    published_jobs.clear()
    with clock.freeze(MONDAY_11 + timedelta(minutes=11)):
        assert await service.release_deferred() == 1
        assert deliveries(published_jobs) == [delivery_id]
        assert await tasks.deliver_message(delivery_id) == "failed"
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.reason, row.attempts) == ("failed", "retries_exhausted", 6)
    assert sandbox.outbox == []


async def test_a_killed_worker_s_claim_is_sent_again_after_the_lease(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    delivery_id = await claimed_by_a_dead_worker(account, attempts=1)
    published_jobs.clear()
    with clock.freeze(MONDAY_11 + timedelta(minutes=9)):
        assert await service.release_deferred() == 0  # inside the 10-minute lease
    with clock.freeze(MONDAY_11 + timedelta(minutes=11)):
        assert await service.release_deferred() == 1
    with clock.freeze(MONDAY_11 + timedelta(minutes=12)):
        assert await service.release_deferred() == 0  # just sent again: its task is on the way
    assert deliveries(published_jobs) == [delivery_id]
    with clock.freeze(MONDAY_11 + timedelta(minutes=16, seconds=1)):
        assert await service.release_deferred() == 1  # that task was lost too
        assert await tasks.deliver_message(delivery_id) == "sent"
        assert await service.release_deferred() == 0
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.channel, row.attempts) == ("sent", "template", 2)
    assert kinds(sandbox) == [("template", "o_alice")]


async def test_a_queued_row_whose_task_was_lost_is_sent_again(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    delivery_id = await queued_row(account)
    assert deliveries(published_jobs) == [delivery_id]
    published_jobs.clear()  # the broker lost it
    with clock.freeze(MONDAY_11 + timedelta(minutes=4)):
        assert await service.release_deferred() == 0  # may still be waiting its turn
    assert published_jobs == []
    with clock.freeze(MONDAY_11 + timedelta(minutes=5, seconds=1)):
        assert await service.release_deferred() == 1
        assert deliveries(published_jobs) == [delivery_id]
        assert await tasks.deliver_message(delivery_id) == "sent"
    assert kinds(sandbox) == [("template", "o_alice")]
    assert (await Delivery.get(id=delivery_id)).attempts == 1


async def test_a_retry_waiting_its_countdown_is_left_alone(
    account: OfficialAccount, sandbox_server: Served, published_jobs: list[jobs.Job]
) -> None:
    delivery_id = await queued_row(account)
    await account_token(account)
    await inject(sandbox_server, -1, 1)
    with clock.freeze(MONDAY_11 + timedelta(minutes=10)):
        with pytest.raises(SystemBusyError):
            await tasks.deliver_message(delivery_id)
        published_jobs.clear()
    with clock.freeze(MONDAY_11 + timedelta(minutes=11)):
        assert await service.release_deferred() == 0
    assert published_jobs == []
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.attempts) == ("queued", 1)


async def test_a_sweep_sends_again_at_most_a_batch(
    account: OfficialAccount, published_jobs: list[jobs.Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "REQUEUE_BATCH", 2)
    member = await make_member()
    await make_fan(account, member, "o_alice")
    ids = [(await service.enqueue(f"care:t:{n}", "test", member.id, CONTENT))[0] for n in range(3)]
    published_jobs.clear()
    with clock.freeze(MONDAY_11 + timedelta(minutes=6)):
        assert await service.release_deferred() == 2
        assert await service.release_deferred() == 1
        assert await service.release_deferred() == 0
    assert deliveries(published_jobs) == ids


async def test_campaign_rows_are_left_to_their_senders(
    account: OfficialAccount, published_jobs: list[jobs.Job]
) -> None:
    delivery_id = await queued_row(account)
    await Delivery.filter(id=delivery_id).update(campaign_id=7)
    published_jobs.clear()
    with clock.freeze(MONDAY_11 + timedelta(hours=1)):
        assert await service.release_deferred() == 0
    assert published_jobs == []
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.updated_at, row.attempts) == ("queued", MONDAY_11, 0)
