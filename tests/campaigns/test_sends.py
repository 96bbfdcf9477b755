"""Routing one message to one member, end to end against the WeChat sandbox over HTTP."""

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from campaigns import tasks
from campaigns.sends import service
from campaigns.sends.models import Delivery
from campaigns.sends.schemas import DryRunRequest, MessageContent
from crm_core import clock, jobs
from sms_gateway.models import SmsMessage
from sms_gateway.service import suppression
from tests.campaigns.support import CONTENT, MONDAY_11, make_fan, make_member
from tests.wechat.support import Served
from wechat.errors import SystemBusyError
from wechat.models import OfficialAccount
from wechat.sandbox.state import CS_USER_MESSAGE_GRANT, SandboxState

PHONE = "+8613800138001"


@pytest.fixture(autouse=True)
def monday() -> Iterator[None]:
    with clock.freeze(MONDAY_11):
        yield


async def send(
    member_id: int, content: MessageContent = CONTENT, key: str = "care:t:1"
) -> Delivery:
    delivery_id, _ = await service.enqueue(key, "test", member_id, content)
    await tasks.deliver_message(delivery_id)
    return await Delivery.get(id=delivery_id)


def kinds(sandbox: SandboxState) -> list[tuple[str, str]]:
    return [(e["kind"], e["touser"]) for e in sandbox.outbox]


async def test_open_window_goes_by_customer_service(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice", window=True)
    sandbox.grant_cs(sandbox.users["o_alice"], CS_USER_MESSAGE_GRANT)
    row = await send(member.id)
    assert (row.channel, row.status, row.sent_at) == ("customer_service", "sent", MONDAY_11)
    assert kinds(sandbox) == [("custom", "o_alice")]
    assert sandbox.outbox[0]["payload"]["text"] == {"content": "{name}你好"}
    assert await SmsMessage.all().count() == 0


async def test_closed_window_goes_by_template(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    row = await send(member.id)
    assert (row.channel, row.status) == ("template", "sent")
    assert kinds(sandbox) == [("template", "o_alice")]
    assert row.wechat_msgid == sandbox.outbox[0]["msgid"]
    assert sandbox.outbox[0]["payload"]["data"] == {"thing1": {"value": "生日快乐"}}
    assert len(sandbox.outbox[0]["payload"]["client_msg_id"]) == 40


async def test_no_template_goes_by_sms_with_signature_and_opt_out(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    row = await send(member.id, CONTENT.model_copy(update={"template_id": ""}))
    sms = await SmsMessage.get()
    assert (row.channel, row.status, row.sms_message_id) == ("sms", "sent", sms.id)
    assert (sms.recipient, sms.kind, sms.text) == (
        PHONE,
        "marketing",
        "【示例商城】生日快乐回T退订",
    )
    assert sandbox.outbox == []


async def test_no_phone_and_no_wechat_is_skipped_with_the_reason(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member()
    row = await send(member.id)
    assert (row.channel, row.status, row.reason) == ("", "skipped", "no_phone")
    assert sandbox.outbox == []


async def test_an_opt_out_after_enqueue_stops_the_message(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    delivery_id, created = await service.enqueue("care:t:1", "test", member.id, CONTENT)
    assert created
    assert [(j.name, j.kwargs) for j in published_jobs] == [
        ("campaigns.deliver_message", {"delivery_id": delivery_id})
    ]
    await suppression.suppress(PHONE, reason="T", source="sms")
    assert await tasks.deliver_message(delivery_id) == "skipped_optout"
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.reason, row.channel) == ("skipped_optout", "opted_out", "")
    assert sandbox.outbox == []
    assert await SmsMessage.all().count() == 0


async def test_a_redelivered_task_sends_once(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    delivery_id, created = await service.enqueue("care:t:1", "test", member.id, CONTENT)
    assert created
    results = await asyncio.gather(*(tasks.deliver_message(delivery_id) for _ in range(3)))
    again = await tasks.deliver_message(delivery_id)
    # One claims and sends; the others find the claim (or the result) and send nothing.
    assert "sent" in results
    assert set(results) <= {"sending", "sent"}
    assert again == "sent"
    assert kinds(sandbox) == [("template", "o_alice")]
    # The same intent for the same member again: the first row, nothing queued or sent.
    assert await service.enqueue("care:t:1", "test", member.id, CONTENT) == (delivery_id, False)
    assert await Delivery.all().count() == 1


async def test_a_closed_window_at_wechat_falls_through_to_template(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member(phone=PHONE)
    # Our record says the fan wrote an hour ago; WeChat has no grant for them (45015).
    await make_fan(account, member, "o_alice", window=True)
    row = await send(member.id)
    assert (row.channel, row.status, row.error_code) == ("template", "sent", "45015")
    assert row.excluded == "customer_service"
    assert kinds(sandbox) == [("template", "o_alice")]


async def test_an_unfollowed_fan_at_wechat_falls_through_to_sms(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_carol")  # carol does not follow in the sandbox: 43004
    row = await send(member.id)
    assert (row.channel, row.status, row.error_code) == ("sms", "sent", "43004")
    assert row.excluded == "customer_service,mass,template"
    assert sandbox.outbox == []
    assert await SmsMessage.all().count() == 1


async def test_wechat_refusal_with_nothing_left_is_failed_with_the_errcode(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member()
    await make_fan(account, member, "o_carol")
    row = await send(member.id)
    assert (row.channel, row.status, row.error_code, row.reason) == (
        "",
        "failed",
        "43004",
        "no_phone",
    )


async def test_quiet_hours_defer_then_release(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    late = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 23:00 Shanghai
    with clock.freeze(late):
        row = await send(member.id)
        assert (row.status, row.channel, row.not_before) == (
            "deferred",
            "template",
            datetime(2026, 12, 8, 0, 0, tzinfo=UTC),
        )
        assert await service.release_deferred() == 0
    assert sandbox.outbox == []
    published_jobs.clear()
    with clock.freeze(datetime(2026, 12, 8, 0, 0, tzinfo=UTC)):
        assert await service.release_deferred() == 1
        assert [j.kwargs for j in published_jobs] == [{"delivery_id": row.id}]
        assert await tasks.deliver_message(row.id) == "sent"
    assert kinds(sandbox) == [("template", "o_alice")]


async def test_caps_per_day_and_week(account: OfficialAccount, sandbox: SandboxState) -> None:
    """SMS: 1 a day, 3 a week (Monday to Sunday, Asia/Shanghai)."""
    member = await make_member(phone=PHONE)
    sms_only = CONTENT.model_copy(update={"template_id": ""})
    outcomes = []
    for n, day in enumerate([0, 0, 1, 2, 3, 7]):
        with clock.freeze(MONDAY_11 + timedelta(days=day)):
            row = await send(member.id, sms_only, key=f"care:t:{n}")
        outcomes.append((day, row.status.value, row.reason))
    assert outcomes == [
        (0, "sent", ""),
        (0, "skipped", "capped"),
        (1, "sent", ""),
        (2, "sent", ""),
        (3, "skipped", "capped"),
        (7, "sent", ""),
    ]
    assert await SmsMessage.all().count() == 4


async def test_the_fifth_mass_intent_in_a_month_goes_by_sms(
    account: OfficialAccount, sandbox: SandboxState, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_core.config import get_settings

    monkeypatch.setitem(get_settings().sends.caps, "mass", (10, 10))
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    mass = CONTENT.model_copy(update={"template_id": "", "mass": True})
    channels = []
    for n in range(5):
        with clock.freeze(MONDAY_11 + timedelta(days=n)):
            row = await send(member.id, mass, key=f"campaign:{n}")
        channels.append((row.channel, row.status.value))
    assert channels == [("mass", "batched")] * 4 + [("sms", "sent")]
    # January is a new month for the quota.
    with clock.freeze(datetime(2027, 1, 4, 3, 0, tzinfo=UTC)):
        row = await send(member.id, mass, key="campaign:jan")
    assert (row.channel, row.status) == ("mass", "batched")


async def test_dry_run_counts_by_channel_and_reason(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    window = await make_member(phone=PHONE)
    await make_fan(account, window, "o_alice", window=True)
    closed = await make_member()
    await make_fan(account, closed, "o_bob")
    phone_only = await make_member(phone="+8613800138002")
    nothing = await make_member()
    opted = await make_member(phone="+8613800138003")
    await suppression.suppress("+8613800138003", reason="T", source="sms")
    ids = [window.id, closed.id, phone_only.id, nothing.id, opted.id, window.id]
    result = await service.dry_run(DryRunRequest(member_ids=ids, template=True))
    assert result.model_dump() == {
        "total": 5,
        "channels": {"customer_service": 1, "template": 1, "sms": 1},
        "deferred": 0,
        "skipped": {"no_phone": 1, "opted_out": 1},
    }
    assert await Delivery.all().count() == 0
    assert sandbox.outbox == []


@pytest.mark.parametrize(
    ("errcode", "raised", "status", "channel", "error_code"),
    [
        pytest.param(-1, True, "queued", "", "-1", id="busy-retried"),
        pytest.param(45009, False, "sent", "sms", "45009", id="quota-falls-through"),
        pytest.param(40003, False, "sent", "sms", "40003", id="bad-openid-falls-through"),
        pytest.param(40037, False, "sent", "sms", "40037", id="unknown-template-falls-through"),
    ],
)
async def test_template_errors_retry_or_fall_through(
    account: OfficialAccount,
    sandbox: SandboxState,
    sandbox_server: Served,
    errcode: int,
    raised: bool,
    status: str,
    channel: str,
    error_code: str,
) -> None:
    member = await make_member(phone=PHONE)
    await make_fan(account, member, "o_alice")
    await account_token(account)  # the token first, so the fault hits the send
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{sandbox_server.url}/__admin/inject",
            json={"path": "/cgi-bin/message/template/send", "errcode": errcode, "count": 1},
        )
        assert response.status_code == 200
    delivery_id, _ = await service.enqueue("care:t:1", "test", member.id, CONTENT)
    if raised:
        with pytest.raises(SystemBusyError):
            await tasks.deliver_message(delivery_id)
    else:
        await tasks.deliver_message(delivery_id)
    row = await Delivery.get(id=delivery_id)
    assert (row.status, row.channel, row.error_code, row.attempts) == (
        status,
        channel,
        error_code,
        1,
    )
    assert sandbox.outbox == []
    if raised:
        # Celery's retry finds the row queued again and sends it once.
        assert await tasks.deliver_message(delivery_id) == "sent"
        assert kinds(sandbox) == [("template", "o_alice")]


async def account_token(account: OfficialAccount) -> None:
    from wechat.service import accounts

    client = accounts.client_for(account)
    async with client:
        await client.get_user_info("o_alice")


async def test_sms_delivery_reports_reach_the_ledger(account: OfficialAccount) -> None:
    sms_only = CONTENT.model_copy(update={"template_id": ""})
    first = await make_member(phone=PHONE)
    second = await make_member(phone="+8613800138002")
    delivered = await send(first.id, sms_only)
    failed = await send(second.id, sms_only)
    assert await tasks.record_sms_reports() == 0
    await SmsMessage.filter(id=delivered.sms_message_id).update(status="delivered")
    await SmsMessage.filter(id=failed.sms_message_id).update(status="failed", error_code="cms_500")
    assert await tasks.record_sms_reports() == 2
    assert await tasks.record_sms_reports() == 0
    rows = await Delivery.all().order_by("id").values_list("status", "error_code")
    assert rows == [("delivered", ""), ("failed", "cms_500")]
