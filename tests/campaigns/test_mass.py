"""Mass campaigns over the API and through their tasks, against the WeChat sandbox over HTTP:
refused input, freezing, batched mass sends, the router for the rest, crash and cancel."""

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from campaigns import tasks
from campaigns.mass import service
from campaigns.mass.models import Campaign, MassJob
from campaigns.segments.models import Segment
from campaigns.sends.models import Delivery
from crm_core import clock, jobs
from crm_core.audit import AuditLog
from crm_core.config import get_settings
from members.models import Member
from sms_gateway.models import SmsMessage
from sms_gateway.service import suppression
from tests.campaigns.support import MONDAY_11, make_fan, make_library_template, make_member
from tests.factories import bearer, make_staff
from tests.wechat.support import APPID
from wechat.models import OfficialAccount
from wechat.sandbox.state import Injection, Media, SandboxState
from wechat.service import reach

URL = "/api/v1/campaigns/campaigns"
EVERYONE: dict[str, Any] = {"match": "all", "groups": []}
_names = itertools.count(1)


@pytest.fixture(autouse=True)
def monday() -> Iterator[None]:
    with clock.freeze(MONDAY_11):
        yield


async def segment(rule: dict[str, Any] | None = None) -> int:
    row = await Segment.create(
        name=f"人群{next(_names)}",
        rule=rule or EVERYONE,
        created_at=clock.utc_now(),
        updated_at=clock.utc_now(),
    )
    return int(row.id)


def body(segment_id: int, plan: str = "mass", **content: Any) -> dict[str, Any]:
    return {
        "name": "双12 预热",
        "segment_id": segment_id,
        "plan": plan,
        "content": {"text": "双12 全场 8 折", "sms": "双12 全场 8 折", **content},
    }


async def drain(published: list[jobs.Job], rounds: int = 50) -> list[str]:
    """Run the captured campaign jobs in this process until none are left."""
    handlers = {
        "campaigns.run_campaign": tasks.run_campaign,
        "campaigns.pump_campaign": tasks.pump_campaign,
        "campaigns.deliver_message": tasks.deliver_message,
    }
    ran: list[str] = []
    for _ in range(rounds):
        pending = [j for j in published if j.name in handlers]
        published[:] = [j for j in published if j.name not in handlers]
        if not pending:
            return ran
        for job in pending:
            await handlers[job.name](**job.kwargs)
            ran.append(job.name)
    raise AssertionError("campaign jobs did not settle")


async def fans(
    account: OfficialAccount, sandbox: SandboxState, n: int, start: int = 0
) -> list[Member]:
    members = []
    for i in range(start, start + n):
        openid = f"o_mass_{i}"
        sandbox.add_user(APPID, openid=openid, subscribed=True)
        member = await make_member()
        await make_fan(account, member, openid)
        members.append(member)
    return members


async def frozen(plan: str, text: str) -> Campaign:
    """A campaign started by a marketer, its recipients frozen, nothing sent yet."""
    staff = await make_staff("marketer")
    campaign = await Campaign.create(
        name="c",
        segment_id=await segment(),
        plan=plan,
        content={"text": text},
        status="freezing",
        started_by_id=staff.id,
        created_at=clock.utc_now(),
        updated_at=clock.utc_now(),
    )
    await service._freeze(campaign)
    return campaign


def mass_calls(sandbox: SandboxState) -> list[list[str]]:
    return [sorted(e["payload"]["touser"]) for e in sandbox.outbox if e["kind"] == "mass"]


async def test_bad_input_is_refused_at_the_field_and_nothing_is_written(
    client: httpx.AsyncClient, account: OfficialAccount, sandbox: SandboxState
) -> None:
    headers = await bearer(await make_staff("marketer"))
    seg = await segment()
    cases = [
        (body(seg, text=""), "content.text", "validation_error"),
        (body(seg, text="你" * 700), "content.text", "validation_error"),
        (body(seg, text="{name}，双12 来了"), "content.text", "validation_error"),
        (body(seg, "sms", sms="折" * 400), "content.sms", "validation_error"),
        (body(seg, "sms", sms="{nickname} 你好"), "content.sms", "validation_error"),
        (body(seg, "template"), "content.template_id", "validation_error"),
        (body(999_999), "segment_id", "campaign_segment_not_found"),
    ]
    for payload, field, code in cases:
        answer = await client.post(URL, json=payload, headers=headers)
        assert answer.status_code == 422, payload
        error = answer.json()
        assert error["error"] in (code, "campaign_content_invalid"), error
        assert error["fields"][0]["loc"][-1] == field.split(".")[-1], error
    assert await Campaign.all().count() == 0
    assert await AuditLog.filter(action__startswith="campaign.").count() == 0


async def test_empty_segment_past_schedule_and_a_second_start_are_refused(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    nobody = await segment(
        {
            "match": "all",
            "groups": [
                {
                    "match": "all",
                    "conditions": [{"field": "phone", "op": "in", "value": ["13900000000"]}],
                }
            ],
        }
    )
    created = (await client.post(URL, json=body(nobody), headers=headers)).json()
    empty = await client.post(f"{URL}/{created['id']}/start", headers=headers)
    assert (empty.status_code, empty.json()["error"]) == (422, "campaign_segment_empty")
    past = await client.post(
        f"{URL}/{created['id']}/schedule",
        json={"scheduled_at": (clock.utc_now() - timedelta(hours=1)).isoformat()},
        headers=headers,
    )
    assert (past.status_code, past.json()["error"]) == (422, "campaign_schedule_past")
    assert past.json()["fields"][0]["loc"] == ["body", "scheduled_at"]
    assert (await Campaign.get(id=created["id"])).status == "draft"
    assert published_jobs == []

    await fans(account, sandbox, 2)
    everyone = (await client.post(URL, json=body(await segment()), headers=headers)).json()
    first = await client.post(f"{URL}/{everyone['id']}/start", headers=headers)
    second = await client.post(f"{URL}/{everyone['id']}/start", headers=headers)
    assert (first.status_code, first.json()["status"]) == (200, "freezing")
    assert (second.status_code, second.json()["error"]) == (409, "campaign_not_startable")
    assert [j.name for j in published_jobs] == ["campaigns.run_campaign"]
    edit = await client.put(f"{URL}/{everyone['id']}", json=body(await segment()), headers=headers)
    assert (edit.status_code, edit.json()["error"]) == (409, "campaign_not_editable")
    assert sandbox.outbox == []


async def test_mass_plan_freezes_batches_and_routes_the_rest(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    reached = await fans(account, sandbox, 3)
    phone_only = await make_member(phone="+8613800138011")
    opted = await make_member(phone="+8613800138012")
    await suppression.suppress("+8613800138012", reason="T", source="sms")
    nothing = await make_member()
    created = (await client.post(URL, json=body(await segment()), headers=headers)).json()
    assert created["status"] == "draft"
    await client.post(f"{URL}/{created['id']}/start", headers=headers)
    await drain(published_jobs)

    campaign = await Campaign.get(id=created["id"])
    assert (campaign.status, campaign.recipients) == ("done", 6)
    assert mass_calls(sandbox) == [sorted(f"o_mass_{i}" for i in range(3))]
    (job,) = await MassJob.filter(campaign_id=campaign.id)
    mass_entry = next(e for e in sandbox.outbox if e["kind"] == "mass")
    assert (job.size, job.msg_id, job.clientmsgid) == (
        3,
        mass_entry["msg_id"],
        f"scrm:c{campaign.id}:b0:a{account.id}",
    )
    rows = {r.member_id: r for r in await Delivery.filter(campaign_id=campaign.id)}
    for member in reached:
        assert (rows[member.id].channel, rows[member.id].status) == ("mass", "sent")
        assert rows[member.id].wechat_msgid == mass_entry["msg_id"]
    assert (rows[phone_only.id].channel, rows[phone_only.id].status) == ("sms", "sent")
    assert (rows[opted.id].status, rows[opted.id].reason) == ("skipped_optout", "opted_out")
    assert (rows[nothing.id].status, rows[nothing.id].reason) == ("skipped", "no_phone")
    sms = await SmsMessage.get()
    assert (sms.recipient, sms.text) == ("+8613800138011", "【示例商城】双12 全场 8 折回T退订")

    progress = (await client.get(f"{URL}/{campaign.id}/progress", headers=headers)).json()
    assert {k: progress[k] for k in ("status", "recipients", "finished", "percent")} == {
        "status": "done",
        "recipients": 6,
        "finished": 6,
        "percent": 100,
    }
    assert progress["by_channel"] == {"mass": 3, "sms": 1}
    assert progress["skipped"] == {"opted_out": 1, "no_phone": 1}
    assert [j["size"] for j in progress["jobs"]] == [3]

    # Running it again (a redelivered task) sends nothing more.
    await tasks.run_campaign(campaign.id)
    await drain(published_jobs)
    assert len(mass_calls(sandbox)) == 1
    assert await SmsMessage.all().count() == 1


async def test_a_batch_sent_before_a_crash_is_not_sent_again(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    await fans(account, sandbox, 2)
    campaign = await frozen("mass", "hi")
    # WeChat took the first range's mass send, then the worker died before recording it.
    await reach.send_mass_text(
        account.id,
        ["o_mass_0", "o_mass_1"],
        "hi",
        clientmsgid=f"scrm:c{campaign.id}:b0:a{account.id}",
    )
    await tasks.run_campaign(campaign.id)
    await drain(published_jobs)
    assert len(mass_calls(sandbox)) == 1
    statuses = await Delivery.filter(campaign_id=campaign.id).values_list("status", flat=True)
    assert sorted(statuses) == ["sent", "sent"]
    assert (await Campaign.get(id=campaign.id)).status == "done"


async def test_the_fifth_mass_send_in_a_month_goes_by_sms(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    (member,) = await fans(account, sandbox, 1)
    await Member.filter(id=member.id).update(phone="+8613800138021")
    await suppression.grant_consent("+8613800138021", source="test")
    await fans(account, sandbox, 1, start=1)  # a mass send needs two fans
    channels = []
    # Tuesdays 1, 8, 15, 22 and 29 December: five weeks, so no weekly cap is reached; then
    # January brings a new month's quota.
    tuesdays = [MONDAY_11 - timedelta(days=6) + timedelta(weeks=k) for k in range(5)]
    for day in [*tuesdays, MONDAY_11 + timedelta(weeks=4, days=1)]:
        with clock.freeze(day):
            created = (await client.post(URL, json=body(await segment()), headers=headers)).json()
            started = await client.post(f"{URL}/{created['id']}/start", headers=headers)
            assert started.status_code == 200
            await drain(published_jobs)
            row = await Delivery.get(campaign_id=created["id"], member_id=member.id)
            channels.append(row.channel)
    assert channels == ["mass", "mass", "mass", "mass", "sms", "mass"]
    assert [len(c) for c in mass_calls(sandbox)] == [2, 2, 2, 2, 2]


async def test_cancel_stops_the_senders_and_nothing_more_goes_out(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    await fans(account, sandbox, 30)
    created = (await client.post(URL, json=body(await segment(), "sms"), headers=headers)).json()
    for member in await Member.all():
        await Member.filter(id=member.id).update(phone=f"+86138001{member.id:05d}")
        await suppression.grant_consent(f"+86138001{member.id:05d}", source="test")
    await client.post(f"{URL}/{created['id']}/start", headers=headers)
    await tasks.run_campaign(created["id"])
    # One sender handles its first claim, then the marketer cancels.
    await service.repository.claim(
        created["id"], limit=5, now=clock.utc_now(), stale_before=clock.utc_now()
    )
    cancelled = await client.post(f"{URL}/{created['id']}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    published_jobs.clear()
    assert await tasks.pump_campaign(created["id"]) == 0
    statuses = await Delivery.filter(campaign_id=created["id"]).values_list("status", flat=True)
    assert sorted(set(statuses)) == ["cancelled", "sending"]
    assert await SmsMessage.all().count() == 0
    again = await client.post(f"{URL}/{created['id']}/cancel", headers=headers)
    assert (again.status_code, again.json()["error"]) == (409, "campaign_not_cancellable")


async def test_rows_held_by_a_dead_sender_are_taken_again_after_the_lease(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    await fans(account, sandbox, 3)
    campaign = await frozen("customer_service", "hi {name}")
    held = await service.repository.claim(
        campaign.id, limit=3, now=clock.utc_now(), stale_before=clock.utc_now()
    )
    assert len(held) == 3
    assert await tasks.pump_campaign(campaign.id) == 0  # still leased to the dead sender
    with clock.freeze(MONDAY_11 + timedelta(minutes=3)):
        assert await tasks.pump_campaign(campaign.id) == 3
    rows = await Delivery.filter(campaign_id=campaign.id)
    # No window is open and the plan allows no other channel: skipped, with the reason.
    assert {(r.status, r.reason, r.attempts) for r in rows} == {("skipped", "no_phone", 2)}
    assert sandbox.outbox == []


async def test_a_slow_sender_hands_back_its_rows_before_their_lease_runs_out(
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    members = await fans(account, sandbox, 3)
    staff = await make_staff("marketer")
    monkeypatch.setattr(get_settings().sends, "campaign_claim_lease_seconds", 4)
    campaign = await Campaign.create(
        name="c",
        segment_id=await segment(),
        plan="template",
        content={
            "text": "",
            "template_id": "TPL_ORDER",
            "template_data": {"thing1": "{name}，双12"},
            "template_url": "",
            "sms": "",
        },
        status="freezing",
        started_by_id=staff.id,
        created_at=clock.utc_now(),
        updated_at=clock.utc_now(),
    )
    await service._freeze(campaign)
    # The first answer takes longer than half the lease: another sender could soon take the
    # two rows still held as abandoned, so they go back to the queue and are claimed afresh.
    sandbox.injections.append(
        Injection(path="/cgi-bin/message/template/send", latency_ms=2200, count=1)
    )
    assert await tasks.pump_campaign(campaign.id) == 3
    rows = {r.member_id: r for r in await Delivery.filter(campaign_id=campaign.id)}
    assert [(rows[m.id].status, rows[m.id].attempts) for m in members] == [
        ("sent", 1),
        ("sent", 2),
        ("sent", 2),
    ]
    assert sorted(e["touser"] for e in sandbox.outbox) == ["o_mass_0", "o_mass_1", "o_mass_2"]
    assert (await Campaign.get(id=campaign.id)).status == "done"


async def test_preview_goes_to_the_test_openid_only(
    client: httpx.AsyncClient, account: OfficialAccount, sandbox: SandboxState
) -> None:
    headers = await bearer(await make_staff("marketer"))
    await fans(account, sandbox, 2)
    created = (await client.post(URL, json=body(await segment()), headers=headers)).json()
    sent = await client.post(
        f"{URL}/{created['id']}/preview", json={"openid": "o_mass_1"}, headers=headers
    )
    assert sent.json() == {"channel": "mass_preview", "to": "o_mass_1"}
    assert [(e["kind"], e["touser"]) for e in sandbox.outbox] == [("preview", "o_mass_1")]
    assert sandbox.outbox[0]["payload"]["text"] == {"content": "双12 全场 8 折"}
    unknown = await client.post(
        f"{URL}/{created['id']}/preview", json={"openid": "o_nobody"}, headers=headers
    )
    assert (unknown.status_code, unknown.json()["error"]) == (
        422,
        "campaign_preview_fan_not_found",
    )
    assert (await Campaign.get(id=created["id"])).status == "draft"
    assert await Delivery.all().count() == 0


async def test_the_job_finish_event_records_wechats_counts(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    await MassJob.create(
        campaign_id=1,
        account_id=account.id,
        batch_no=0,
        clientmsgid="scrm:c1:b0",
        msg_id=1000,
        size=3,
        submitted_at=clock.utc_now(),
    )
    assert (
        await tasks.on_mass_finished(
            msg_id=1000, status="send success", total=3, filtered=2, sent=2, errors=0
        )
        == 1
    )
    job = await MassJob.get(msg_id=1000)
    assert (job.status, job.filter_count, job.sent_count, job.error_count) == (
        "finished",
        2,
        2,
        0,
    )


async def test_auto_plan_routes_each_member_and_sends_the_mass_rows_together(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    window = await make_member()
    sandbox.add_user(APPID, openid="o_window", subscribed=True)
    await make_fan(account, window, "o_window", window=True)
    sandbox.grant_cs(sandbox.users["o_window"], (5, 3600))
    closed = await fans(account, sandbox, 2)
    created = (await client.post(URL, json=body(await segment(), "auto"), headers=headers)).json()
    await client.post(f"{URL}/{created['id']}/start", headers=headers)
    await drain(published_jobs)
    rows = {r.member_id: r for r in await Delivery.filter(campaign_id=created["id"])}
    assert (rows[window.id].channel, rows[window.id].status) == ("customer_service", "sent")
    assert [(rows[m.id].channel, rows[m.id].status) for m in closed] == [("mass", "sent")] * 2
    assert mass_calls(sandbox) == [["o_mass_0", "o_mass_1"]]
    assert (await Campaign.get(id=created["id"])).status == "done"


async def test_a_lone_mass_fan_goes_back_to_the_router_without_mass(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    (member,) = await fans(account, sandbox, 1)
    await Member.filter(id=member.id).update(phone="+8613800138031")
    await suppression.grant_consent("+8613800138031", source="test")
    for day, plan in enumerate(("mass", "auto")):  # a day apart: one SMS a day per member
        with clock.freeze(MONDAY_11 + timedelta(days=day)):
            created = (
                await client.post(URL, json=body(await segment(), plan), headers=headers)
            ).json()
            await client.post(f"{URL}/{created['id']}/start", headers=headers)
            await drain(published_jobs)
        row = await Delivery.get(campaign_id=created["id"])
        assert (row.channel, row.status, row.excluded) == ("sms", "sent", "mass"), plan
    assert mass_calls(sandbox) == []


async def test_a_picture_goes_by_mass_send_and_an_unknown_one_falls_back_to_sms(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    members = await fans(account, sandbox, 2)
    for n, member in enumerate(members):
        phone = f"+861380013805{n}"
        await Member.filter(id=member.id).update(phone=phone)
        await suppression.grant_consent(phone, source="test")
    sandbox.media["MEDIA_POSTER"] = Media("MEDIA_POSTER", "image", b"png", "image/png", 0)
    picture = body(await segment(), msgtype="image", media_id="MEDIA_POSTER", text="")
    missing = await client.post(
        URL, json={**picture, "content": {**picture["content"], "media_id": ""}}, headers=headers
    )
    assert (missing.status_code, missing.json()["fields"][0]["loc"]) == (
        422,
        ["body", "content", "media_id"],
    )
    created = (await client.post(URL, json=picture, headers=headers)).json()
    await client.post(f"{URL}/{created['id']}/start", headers=headers)
    await drain(published_jobs)
    (entry,) = [e for e in sandbox.outbox if e["kind"] == "mass"]
    assert (entry["payload"]["msgtype"], entry["payload"]["image"]) == (
        "image",
        {"media_id": "MEDIA_POSTER"},
    )
    # WeChat refuses a media_id it does not know (40007): the members get the SMS instead.
    with clock.freeze(MONDAY_11 + timedelta(days=1)):
        gone = body(await segment(), msgtype="image", media_id="MEDIA_GONE", text="")
        created = (await client.post(URL, json=gone, headers=headers)).json()
        await client.post(f"{URL}/{created['id']}/start", headers=headers)
        await drain(published_jobs)
    rows = await Delivery.filter(campaign_id=created["id"]).order_by("id")
    assert [(r.channel, r.status, r.error_code) for r in rows] == [("sms", "sent", "40007")] * 2
    (job,) = await MassJob.filter(campaign_id=created["id"])
    assert (job.status, job.error_code) == ("failed", "40007")


async def test_a_template_must_be_in_the_library_with_every_field_filled(
    client: httpx.AsyncClient, account: OfficialAccount, sandbox: SandboxState
) -> None:
    headers = await bearer(await make_staff("marketer"))
    await make_library_template("TPL_SALE", "{{first.DATA}}\n活动：{{keyword1.DATA}}")
    seg = await segment()
    unknown = await client.post(
        URL, json=body(seg, "template", template_id="TPL_NONE"), headers=headers
    )
    assert unknown.status_code == 422
    assert (unknown.json()["error"], unknown.json()["fields"][0]["loc"]) == (
        "template_unknown",
        ["body", "content", "template_id"],
    )
    half = body(seg, "template", template_id="TPL_SALE", template_data={"first": "{name}您好"})
    unmapped = await client.post(URL, json=half, headers=headers)
    assert unmapped.json()["error"] == "template_field_unmapped"
    assert [f["loc"] for f in unmapped.json()["fields"]] == [
        ["body", "content", "template_data", "keyword1"]
    ]
    assert await Campaign.all().count() == 0
    full = body(
        seg,
        "template",
        template_id="TPL_SALE",
        template_data={"first": "{name}您好", "keyword1": "双12"},
    )
    assert (await client.post(URL, json=full, headers=headers)).status_code == 201
