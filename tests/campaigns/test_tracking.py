"""Delivery reports and click tracking, against the WeChat sandbox over HTTP: template job-finish
events into the ledger, tracked links in each channel, the public /t/{code} route, mass sends'
links counted per campaign, and a MASSSENDJOBFINISH pushed to the real callback endpoint."""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from campaigns import tasks
from campaigns.links.models import LinkClick, TrackedLink
from campaigns.mass.models import MassJob
from crm_core import clock, jobs
from crm_core.config import get_settings
from sms_gateway.models import SmsMessage
from tests.campaigns.support import CONTENT, MONDAY_11, make_fan, make_member
from tests.campaigns.test_mass import URL, body, drain, fans, segment
from tests.campaigns.test_sends import PHONE, send
from tests.e2e.conftest import eventually, live_server, shared_server
from tests.factories import bearer, make_staff
from tests.wechat.support import APPID
from wechat import tasks as wechat_tasks
from wechat.models import InboundEvent, OfficialAccount
from wechat.sandbox.state import CS_USER_MESSAGE_GRANT, SandboxState

__all__ = ["live_server", "shared_server"]
BASE = "https://s.example.cn"
UA = "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50"
SMS_ONLY = CONTENT.model_copy(update={"template_id": ""})


@pytest.fixture(autouse=True)
def monday() -> Iterator[None]:
    with clock.freeze(MONDAY_11):
        yield


@pytest.fixture(autouse=True)
def short_domain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SCRM_SENDS__LINK_BASE_URL", BASE)
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("SCRM_SENDS__LINK_BASE_URL")
    get_settings.cache_clear()


async def run_mass_campaign(
    client: httpx.AsyncClient, headers: dict[str, str], published: list[jobs.Job], **content: str
) -> int:
    """A mass campaign to every member, started and sent by the captured jobs; its id."""
    created = (
        await client.post(URL, json=body(await segment(), **content), headers=headers)
    ).json()
    assert (await client.post(f"{URL}/{created['id']}/start", headers=headers)).status_code == 200
    await drain(published)
    return int(created["id"])


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param("success", ("delivered", "", "", MONDAY_11), id="success"),
        pytest.param(
            "failed:user block",
            ("failed", "user_block", "failed:user block", None),
            id="user-block",
        ),
        pytest.param(
            "failed: system failed",
            ("failed", "system_failed", "failed: system failed", None),
            id="system-failed",
        ),
    ],
)
async def test_template_job_finish_reaches_its_ledger_row_only(
    account: OfficialAccount, sandbox: SandboxState, status: str, expected: tuple[object, ...]
) -> None:
    member, other = await make_member(), await make_member()
    await make_fan(account, member, "o_alice")
    await make_fan(account, other, "o_bob")
    row, untouched = await send(member.id), await send(other.id, key="care:t:2")
    assert (row.channel, untouched.channel) == ("template", "template")
    assert await tasks.on_template_finished(msg_id=row.wechat_msgid, status=status) == 1
    await row.refresh_from_db()
    assert (row.status, row.error_code, row.error_message, row.delivered_at) == expected
    # WeChat repeats itself: nothing moves twice.
    assert await tasks.on_template_finished(msg_id=row.wechat_msgid, status=status) == 0
    await untouched.refresh_from_db()
    assert (untouched.status, untouched.error_code, untouched.delivered_at) == ("sent", "", None)


async def test_job_finish_only_moves_forward(
    client: httpx.AsyncClient, account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member()
    await make_fan(account, member, "o_alice")
    content = CONTENT.model_copy(update={"template_url": "https://shop.example.com/order/7"})
    row = await send(member.id, content)
    link = await TrackedLink.get(delivery_id=row.id)
    assert sandbox.outbox[0]["payload"]["url"] == f"{BASE}/t/{link.code}"
    # The member opens the message before WeChat reports it delivered.
    with clock.freeze(MONDAY_11 + timedelta(minutes=1)):
        assert (await client.get(f"/t/{link.code}")).status_code == 302
    with clock.freeze(MONDAY_11 + timedelta(minutes=2)):
        assert await tasks.on_template_finished(msg_id=row.wechat_msgid, status="success") == 1
        assert (
            await tasks.on_template_finished(msg_id=row.wechat_msgid, status="failed:user block")
            == 0
        )
    await row.refresh_from_db()
    assert (row.status, row.clicked_at, row.delivered_at, row.error_code) == (
        "clicked",
        MONDAY_11 + timedelta(minutes=1),
        MONDAY_11 + timedelta(minutes=2),
        "",
    )
    assert await tasks.on_template_finished(msg_id=row.wechat_msgid, status="sending") == 0


async def test_a_mass_row_with_the_same_number_is_not_a_template_report(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member()
    await make_fan(account, member, "o_alice")
    row = await send(member.id)
    await type(row).filter(id=row.id).update(channel="mass")
    assert await tasks.on_template_finished(msg_id=row.wechat_msgid, status="success") == 0
    await row.refresh_from_db()
    assert (row.status, row.delivered_at) == ("sent", None)


async def test_a_report_before_its_msgid_is_written_is_tried_again_then_lands(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    member = await make_member()
    await make_fan(account, member, "o_alice")
    row = await send(member.id)
    msg_id = row.wechat_msgid
    assert msg_id is not None
    # The sender has not written the msgid yet when WeChat's report comes.
    await type(row).filter(id=row.id).update(wechat_msgid=None)
    published_jobs.clear()
    assert await tasks.on_template_finished(msg_id=msg_id, status="success") == 0
    assert published_jobs == [
        jobs.Job(
            "campaigns.on_template_finished",
            {"msg_id": msg_id, "status": "success", "attempt": 1},
            countdown=5.0,
        )
    ]
    await type(row).filter(id=row.id).update(wechat_msgid=msg_id)
    retry = published_jobs.pop()
    assert await tasks.on_template_finished(**retry.kwargs) == 1
    assert published_jobs == []
    await row.refresh_from_db()
    assert (row.status, row.delivered_at) == ("delivered", MONDAY_11)


async def test_a_report_no_row_claims_is_dropped_after_three_retries(
    account: OfficialAccount, sandbox: SandboxState, published_jobs: list[jobs.Job]
) -> None:
    waits = []
    for attempt in range(3):
        assert (
            await tasks.on_template_finished(msg_id=424242, status="success", attempt=attempt) == 0
        )
        job = published_jobs.pop()
        assert (job.kwargs["attempt"], published_jobs) == (attempt + 1, [])
        waits.append(job.countdown)
    assert waits == [5.0, 10.0, 20.0]
    assert await tasks.on_template_finished(msg_id=424242, status="success", attempt=3) == 0
    assert published_jobs == []


def test_a_countdown_beyond_a_minute_is_refused() -> None:
    with pytest.raises(ValueError, match="61"):
        jobs.enqueue_later("campaigns.on_template_finished", 61, msg_id=1, status="success")


async def test_an_sms_link_is_tracked_and_redirects_to_the_exact_url(
    client: httpx.AsyncClient, account: OfficialAccount
) -> None:
    member = await make_member(phone=PHONE)
    target = "https://shop.example.com/sale?id=12&from=sms"
    row = await send(member.id, SMS_ONLY.model_copy(update={"sms": f"双12 8折 {target}。"}))
    link = await TrackedLink.get()
    assert re.fullmatch(r"[A-Za-z0-9]{10}", link.code)
    assert (link.url, link.delivery_id, link.campaign_id, link.clicks) == (target, row.id, None, 0)
    sms = await SmsMessage.get()
    assert sms.text == f"【示例商城】双12 8折 {BASE}/t/{link.code}。回T退订"

    first = await client.get(f"/t/{link.code}", headers={"User-Agent": UA})
    assert (first.status_code, first.headers["location"]) == (302, target)
    assert first.headers["cache-control"] == "no-store"
    await row.refresh_from_db()
    assert (row.status, row.clicked_at) == ("clicked", MONDAY_11)
    with clock.freeze(MONDAY_11 + timedelta(hours=1)):
        second = await client.get(f"/t/{link.code}", headers={"User-Agent": "curl/8"})
    assert (second.status_code, second.headers["location"]) == (302, target)
    await row.refresh_from_db()
    await link.refresh_from_db()
    assert (row.status, row.clicked_at) == ("clicked", MONDAY_11)
    assert (link.clicks, link.first_clicked_at) == (2, MONDAY_11)
    clicks = await LinkClick.all().values_list(
        "link_id", "delivery_id", "campaign_id", "clicked_at", "user_agent"
    )
    assert clicks == [
        (link.id, row.id, None, MONDAY_11, UA),
        (link.id, row.id, None, MONDAY_11 + timedelta(hours=1), "curl/8"),
    ]
    # The modem's report after the click: the time is recorded, the status stays ahead.
    await SmsMessage.filter(id=sms.id).update(status="delivered", delivered_at=MONDAY_11)
    assert await tasks.record_sms_reports() == 1
    await row.refresh_from_db()
    assert (row.status, row.delivered_at) == ("clicked", MONDAY_11)
    assert await tasks.record_sms_reports() == 0


async def test_sms_reports_set_the_delivery_time(account: OfficialAccount) -> None:
    member = await make_member(phone=PHONE)
    row = await send(member.id, SMS_ONLY)
    at = MONDAY_11 + timedelta(seconds=40)
    await SmsMessage.filter(id=row.sms_message_id).update(status="delivered", delivered_at=at)
    assert await tasks.record_sms_reports() == 1
    await row.refresh_from_db()
    assert (row.status, row.delivered_at) == ("delivered", at)


async def test_customer_service_text_links_are_tracked_per_url(
    account: OfficialAccount, sandbox: SandboxState
) -> None:
    member = await make_member()
    await make_fan(account, member, "o_alice", window=True)
    sandbox.grant_cs(sandbox.users["o_alice"], CS_USER_MESSAGE_GRANT)
    text = "新品 https://a.example.com/new 和 https://b.example.com/sale ，再看 https://a.example.com/new"
    row = await send(member.id, CONTENT.model_copy(update={"text": text}))
    first, second = await TrackedLink.all().order_by("id")
    assert (first.url, second.url) == ("https://a.example.com/new", "https://b.example.com/sale")
    assert {first.delivery_id, second.delivery_id} == {row.id}
    assert sandbox.outbox[0]["payload"]["text"]["content"] == (
        f"新品 {BASE}/t/{first.code} 和 {BASE}/t/{second.code} ，再看 {BASE}/t/{first.code}"
    )


async def test_an_sms_the_short_links_would_make_too_long_goes_untracked(
    account: OfficialAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = await make_member(phone=PHONE)
    # 6 + 175 + 4 = 185 characters fit 3 parts of 67; the short link would make it 204.
    text = "折" * 160 + " https://x.cn/a"
    monkeypatch.setenv("SCRM_SMS__MAX_PARTS", "3")
    get_settings.cache_clear()
    try:
        row = await send(member.id, SMS_ONLY.model_copy(update={"sms": text}))
    finally:
        monkeypatch.delenv("SCRM_SMS__MAX_PARTS")
        get_settings.cache_clear()
    assert row.status == "sent"
    assert (await SmsMessage.get()).text == f"【示例商城】{text}回T退订"
    assert await TrackedLink.all().count() == 0


@pytest.mark.parametrize("code", ["Nope123456", "a-b", "x" * 40])
async def test_an_unknown_code_is_a_chinese_404_page(client: httpx.AsyncClient, code: str) -> None:
    answer = await client.get(f"/t/{code}", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "链接不存在或已失效" in answer.text
    assert await LinkClick.all().count() == 0


async def test_a_mass_campaigns_link_counts_per_campaign(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    await fans(account, sandbox, 2)
    text = "双12 全场 8 折 https://shop.example.com/1212"
    campaign_id = await run_mass_campaign(client, headers, published_jobs, text=text)
    link = await TrackedLink.get()
    assert (link.campaign_id, link.delivery_id) == (campaign_id, None)
    (mass,) = [e for e in sandbox.outbox if e["kind"] == "mass"]
    assert mass["payload"]["text"] == {"content": f"双12 全场 8 折 {BASE}/t/{link.code}"}
    for _ in range(3):
        answer = await client.get(f"/t/{link.code}")
        assert answer.headers["location"] == "https://shop.example.com/1212"
    progress = (await client.get(f"{URL}/{campaign_id}/progress", headers=headers)).json()
    assert {k: progress[k] for k in ("clicks", "clicked", "delivered")} == {
        "clicks": 3,
        "clicked": 0,
        "delivered": 0,
    }
    assert progress["by_status"] == {"sent": 2}
    assert await LinkClick.filter(campaign_id=campaign_id, delivery_id=None).count() == 3


async def test_the_sandbox_pushes_masssendjobfinish_through_the_callback_to_the_job(
    client: httpx.AsyncClient,
    account: OfficialAccount,
    sandbox: SandboxState,
    published_jobs: list[jobs.Job],
    live_server: str,
) -> None:
    sandbox.apps[APPID].webhook_url = f"{live_server}/wechat/{APPID}/callback"
    headers = await bearer(await make_staff("marketer"))
    await fans(account, sandbox, 3)
    campaign_id = await run_mass_campaign(client, headers, published_jobs)
    job = await MassJob.get(campaign_id=campaign_id)
    assert (job.status, job.size) == ("submitted", 3)

    async def stored() -> InboundEvent | None:
        return await InboundEvent.get_or_none(event="MASSSENDJOBFINISH")

    event = await eventually(stored)
    published_jobs.clear()
    assert await wechat_tasks.process_events(event_ids=[event.id]) == ["mass_finished"]
    assert published_jobs == [
        jobs.Job(
            "campaigns.on_mass_finished",
            {
                "msg_id": job.msg_id,
                "status": "send success",
                "total": 3,
                "filtered": 3,
                "sent": 3,
                "errors": 0,
            },
        )
    ]
    assert await tasks.on_mass_finished(**published_jobs[0].kwargs) == 1
    await job.refresh_from_db()
    assert (job.status, job.wechat_status, job.total_count, job.sent_count, job.error_count) == (
        "finished",
        "send success",
        3,
        3,
        0,
    )
