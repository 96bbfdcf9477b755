"""Mass campaigns: edit, start or schedule, cancel, and the senders behind the progress bar.

Starting freezes the recipients (one `INSERT … SELECT` into the delivery ledger), then:
- the mass plan numbers every row a WeChat mass send may reach into batches of ≤ 10 000 per
  account (one UPDATE) and sends them; `clientmsgid` is the campaign and batch, so a batch sent
  before a crash is not sent again (45065);
- every other row goes through the router (campaigns.sends) one by one, by a few "pump" tasks
  that claim rows with `FOR UPDATE SKIP LOCKED` and hand them on after a short run.
A beat re-starts pumps of running campaigns whose senders died; rows a dead sender held are
claimed again after the lease. Cancelling stops every sender at its next row (they look every
half second)."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from campaigns.care import repository as care_repository
from campaigns.care import rules as care_rules
from campaigns.links import service as links
from campaigns.mass import repository, rules
from campaigns.mass.errors import (
    CampaignContentInvalidError,
    CampaignNotCancellableError,
    CampaignNotEditableError,
    CampaignNotFoundError,
    CampaignNotStartableError,
    CampaignPreviewFanNotFoundError,
    CampaignSchedulePastError,
    CampaignSegmentEmptyError,
    CampaignSegmentNotFoundError,
)
from campaigns.mass.models import Campaign, CampaignStatus, ChannelPlan, MassJob
from campaigns.mass.schemas import (
    CampaignContent,
    CampaignProgress,
    CampaignRead,
    CampaignWrite,
    MassJobRead,
    PreviewSend,
    PreviewSent,
)
from campaigns.segments import service as segments
from campaigns.sends import rules as send_rules
from campaigns.sends import service as sends
from campaigns.sends import templates
from campaigns.sends.models import Delivery, DeliveryStatus
from campaigns.sends.schemas import MessageContent
from crm_core import audit, clock, jobs
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from crm_core.org.service.auth import principal_for
from crm_core.permissions import Principal
from crm_core.redis import get_redis
from members import service as members_service
from wechat.errors import WeChatAPIError
from wechat.service import reach

RUN = "campaigns.run_campaign"
PUMP = sends.PUMP
MASS_BATCH = 10_000
# Id ranges of a mass plan worked at once.
MASS_PARALLEL = 3
# A pump claims this many rows at a time and hands on to a fresh task after PUMP_SECONDS.
CLAIM = 50
PUMP_SECONDS = 20.0
CANCEL_CHECK_SECONDS = 0.5
STATUS_CHECK_SECONDS = 5.0
HEARTBEAT_SECONDS = 30


async def _get(campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise CampaignNotFoundError()
    return campaign


def _read(campaign: Campaign) -> CampaignRead:
    return CampaignRead.model_validate(campaign)


async def list_campaigns() -> list[CampaignRead]:
    return [_read(c) for c in await Campaign.all().limit(500)]


async def get_campaign(campaign_id: int) -> CampaignRead:
    return _read(await _get(campaign_id))


def check_content(plan: ChannelPlan, content: CampaignContent) -> None:
    settings = get_settings().sms
    prefix, _, suffix = sends.sms_composition("x", marketing=True)
    problems = rules.content_problems(
        plan,
        rules.Content(
            text=content.text,
            msgtype=content.msgtype,
            media_id=content.media_id,
            template_id=content.template_id,
            template_data=content.template_data,
            sms=content.sms,
        ),
        sms_prefix=prefix,
        sms_suffix=suffix,
        sms_max_parts=settings.max_parts,
    )
    if problems:
        first = problems[0]
        raise CampaignContentInvalidError(
            first.message, problems=[(("content", first.field), first.message)]
        )


async def _check(body: CampaignWrite) -> str:
    name = await segments.segment_name(body.segment_id)
    if name is None:
        raise CampaignSegmentNotFoundError(field="segment_id")
    check_content(body.plan, body.content)
    await _check_template(body.content)
    return name


async def _check_template(content: CampaignContent) -> None:
    """A template id must be in the synced library with every one of its fields filled."""
    if content.template_id:
        await templates.check_mapping(
            content.template_id,
            content.template_data,
            id_loc=("content", "template_id"),
            data_loc=("content", "template_data"),
        )


async def create_campaign(principal: Principal, body: CampaignWrite) -> CampaignRead:
    segment_name = await _check(body)
    now = clock.utc_now()
    async with unit_of_work():
        campaign = await Campaign.create(
            name=body.name,
            segment_id=body.segment_id,
            segment_name=segment_name,
            plan=body.plan,
            content=body.content.model_dump(),
            created_by_id=principal.staff_id,
            created_by_name=principal.name,
            created_at=now,
            updated_at=now,
        )
        await _audit(principal, "campaign.create", campaign)
    return _read(campaign)


async def update_campaign(
    principal: Principal, campaign_id: int, body: CampaignWrite
) -> CampaignRead:
    campaign = await _get(campaign_id)
    segment_name = await _check(body)
    async with unit_of_work():
        changed = await Campaign.filter(id=campaign_id, status=CampaignStatus.DRAFT).update(
            name=body.name,
            segment_id=body.segment_id,
            segment_name=segment_name,
            plan=body.plan,
            content=body.content.model_dump(),
            updated_at=clock.utc_now(),
        )
        if not changed:
            raise CampaignNotEditableError()
        await campaign.refresh_from_db()
        await _audit(principal, "campaign.update", campaign)
    return _read(campaign)


async def delete_campaign(principal: Principal, campaign_id: int) -> None:
    campaign = await _get(campaign_id)
    async with unit_of_work():
        if not await Campaign.filter(id=campaign_id, status=CampaignStatus.DRAFT).delete():
            raise CampaignNotEditableError()
        await _audit(principal, "campaign.delete", campaign)


async def _audit(principal: Principal, action: str, campaign: Campaign) -> None:
    await audit.record(
        audit.actor_of(principal),
        action,
        target_type="campaign",
        target_id=campaign.id,
        after={"name": campaign.name, "status": campaign.status.value, "plan": campaign.plan.value},
    )


async def _ready(principal: Principal, campaign: Campaign) -> None:
    """Checks before anything is sent: content still valid, segment not empty for this sender."""
    check_content(campaign.plan, CampaignContent.model_validate(campaign.content))
    content = CampaignContent.model_validate(campaign.content)
    await _check_template(content)
    if await segments.segment_name(campaign.segment_id) is None:
        raise CampaignSegmentNotFoundError(field="segment_id")
    if await segments.segment_count(campaign.segment_id, principal) == 0:
        raise CampaignSegmentEmptyError()


async def start_campaign(principal: Principal, campaign_id: int) -> CampaignRead:
    campaign = await _get(campaign_id)
    if campaign.status not in rules.STARTABLE:
        raise CampaignNotStartableError()
    await _ready(principal, campaign)
    now = clock.utc_now()
    async with unit_of_work():
        started = await repository.transition(
            campaign_id,
            rules.STARTABLE,
            CampaignStatus.FREEZING,
            now,
            started_by_id=principal.staff_id,
            started_at=now,
            scheduled_at=None,
        )
        if not started:
            raise CampaignNotStartableError()
        await campaign.refresh_from_db()
        await _audit(principal, "campaign.start", campaign)
        jobs.enqueue(RUN, campaign_id=campaign_id)
    return _read(campaign)


async def schedule_campaign(principal: Principal, campaign_id: int, at: datetime) -> CampaignRead:
    campaign = await _get(campaign_id)
    if campaign.status not in rules.STARTABLE:
        raise CampaignNotStartableError()
    now = clock.utc_now()
    if at <= now + timedelta(minutes=1):
        raise CampaignSchedulePastError(field="scheduled_at")
    await _ready(principal, campaign)
    async with unit_of_work():
        if not await repository.transition(
            campaign_id,
            rules.STARTABLE,
            CampaignStatus.SCHEDULED,
            now,
            scheduled_at=at,
            started_by_id=principal.staff_id,
        ):
            raise CampaignNotStartableError()
        await campaign.refresh_from_db()
        await _audit(principal, "campaign.schedule", campaign)
    return _read(campaign)


async def cancel_campaign(principal: Principal, campaign_id: int) -> CampaignRead:
    campaign = await _get(campaign_id)
    now = clock.utc_now()
    async with unit_of_work():
        if not await repository.transition(
            campaign_id, rules.CANCELLABLE, CampaignStatus.CANCELLED, now, cancelled_at=now
        ):
            raise CampaignNotCancellableError()
        await repository.cancel_rows(campaign_id, now)
        await campaign.refresh_from_db()
        await _audit(principal, "campaign.cancel", campaign)
    await get_redis().set(_cancel_key(campaign_id), "1", ex=3600)
    return _read(campaign)


def _cancel_key(campaign_id: int) -> str:
    return f"campaigns:cancelled:{campaign_id}"


async def start_due() -> int:
    """Beat: scheduled campaigns whose time has come start freezing."""
    now = clock.utc_now()
    due = [
        int(c.id)
        for c in await Campaign.filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=now).only(
            "id"
        )
    ]
    started = 0
    for campaign_id in due:
        async with unit_of_work():
            if await repository.transition(
                campaign_id,
                frozenset({CampaignStatus.SCHEDULED}),
                CampaignStatus.FREEZING,
                now,
                started_at=now,
            ):
                jobs.enqueue(RUN, campaign_id=campaign_id)
                started += 1
    return started


async def run_campaign(campaign_id: int) -> str:
    """Worker: freeze the recipients (once), then send. Safe to run again at any point."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        return "missing"
    if campaign.status is CampaignStatus.FREEZING:
        await _freeze(campaign)
    if campaign.status is not CampaignStatus.RUNNING:
        return campaign.status.value
    if campaign.plan is ChannelPlan.MASS:
        await send_mass_batches(campaign)
    await _ensure_pumps(campaign_id)
    return campaign.status.value


async def _freeze(campaign: Campaign) -> None:
    principal = await principal_for(campaign.started_by_id or 0)
    now = clock.utc_now()
    if principal is None or not principal.can("campaigns.campaign:send"):
        await repository.transition(
            campaign.id,
            frozenset({CampaignStatus.FREEZING}),
            CampaignStatus.FAILED,
            now,
            error="发起人已停用或不再有发送权限",
            finished_at=now,
        )
        await campaign.refresh_from_db()
        return
    sql, params = await segments.segment_member_ids_sql(campaign.segment_id, principal)
    async with unit_of_work() as connection:
        await repository.freeze(campaign.id, sql, params, now, connection)
        total = await repository.recipients(campaign.id, connection)
        await (
            Campaign.filter(id=campaign.id, status=CampaignStatus.FREEZING)
            .using_db(connection)
            .update(status=CampaignStatus.RUNNING, recipients=total, updated_at=now)
        )
    await repository.analyze_ledger()
    await campaign.refresh_from_db()
    if campaign.status is CampaignStatus.CANCELLED:
        # Cancelled while its recipients were being frozen.
        await repository.cancel_rows(campaign.id, clock.utc_now())


@dataclass
class _Watch:
    """When one sender last looked for a cancel: the flag in Redis, set on cancel, every
    CANCEL_CHECK_SECONDS; the campaign's status itself, which outlives the flag, every
    STATUS_CHECK_SECONDS (a pump reads it when it starts)."""

    flag_at: float = 0.0
    status_at: float = field(default_factory=time.monotonic)


async def _cancelled(campaign_id: int, watch: _Watch | None = None) -> bool:
    if await get_redis().exists(_cancel_key(campaign_id)):
        return True
    now = time.monotonic()
    if watch is not None:
        if now - watch.status_at < STATUS_CHECK_SECONDS:
            return False
        watch.status_at = now
    return await repository.status_of(campaign_id) is not CampaignStatus.RUNNING


async def send_mass_batches(campaign: Campaign) -> int:
    """Mass plan: walk the frozen rows in id ranges of 10 000; in each, the rows a mass send may
    reach now go out in one mass send per account and are written once, straight to `sent`.
    A range sent before a crash is sent again with the same `clientmsgid`: WeChat answers 45065
    and the rows are only recorded. Returns rows sent."""
    now = clock.utc_now()
    if sends.marketing_opens(now) != now:
        return 0  # outside marketing hours: the beat comes back when they open
    span = await repository.row_range(campaign.id)
    if span is None:
        return 0
    policy = sends.policy()
    cap = policy.caps.get(send_rules.Channel.MASS.value, (1_000_000, 1_000_000))
    wechat = await _mass_body(campaign)
    low, high = span
    ranges = iter(enumerate(range(low - 1, high, MASS_BATCH)))
    counts: list[int] = []

    async def sender() -> None:
        # Ranges are independent: a few at once keep PostgreSQL's cores busy while one waits
        # for WeChat.
        for batch_no, after in ranges:
            if await _cancelled(campaign.id):
                return
            counts.append(
                await _send_range(
                    campaign.id, batch_no, after, wechat, now=now, cap=cap, policy=policy
                )
            )

    await asyncio.gather(*(sender() for _ in range(MASS_PARALLEL)))
    return sum(counts)


async def _send_range(
    campaign_id: int,
    batch_no: int,
    after: int,
    wechat: tuple[str, dict[str, object]],
    *,
    now: datetime,
    cap: tuple[int, int],
    policy: send_rules.Policy,
) -> int:
    """One id range of the mass plan: its reachable rows, one mass send per account."""
    rows = await repository.mass_chunk(
        campaign_id,
        after,
        after + MASS_BATCH,
        month_start=send_rules.month_start(now),
        day_start=send_rules.day_start(now),
        week_start=send_rules.week_start(now),
        per_month=policy.mass_per_month,
        cap=cap,
    )
    by_account: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_account.setdefault(int(row["account_id"]), []).append(row)
    sent = 0
    for account_id, group in sorted(by_account.items()):
        ids = [int(r["id"]) for r in group]
        if len(group) < 2:
            # WeChat refuses a mass send to one openid (40130): the router takes it.
            await repository.exclude_mass(ids, "", clock.utc_now())
            continue
        outcome = await _submit(
            campaign_id,
            account_id,
            batch_no,
            [str(r["openid"]) for r in group],
            wechat,
            clientmsgid=f"scrm:c{campaign_id}:b{batch_no}:a{account_id}",
        )
        if isinstance(outcome, str):
            await repository.exclude_mass(ids, outcome, clock.utc_now())
            continue
        sent += await repository.mark_mass_sent(
            ids, [int(r["fan_id"]) for r in group], batch_no, outcome, clock.utc_now()
        )
    return sent


async def _mass_body(campaign: Campaign) -> tuple[str, dict[str, object]]:
    content = CampaignContent.model_validate(campaign.content)
    if content.msgtype == "text":
        # The same text for everyone: its links are tracked per campaign.
        content = content.model_copy(
            update={"text": await links.track_campaign_text(campaign.id, content.text)}
        )
    return _wechat_body(content)


async def _submit(
    campaign_id: int,
    account_id: int,
    batch_no: int,
    openids: list[str],
    wechat: tuple[str, dict[str, object]],
    *,
    clientmsgid: str,
) -> int | str | None:
    """One mass send, recorded as a MassJob: its msg_id (None: sent before, msg_id unknown), or
    WeChat's error code when it refused (the rows then go to the router without mass)."""
    now = clock.utc_now()
    job, _ = await MassJob.get_or_create(
        clientmsgid=clientmsgid,
        defaults={
            "campaign_id": campaign_id,
            "account_id": account_id,
            "batch_no": batch_no,
            "size": len(openids),
            "submitted_at": now,
        },
    )
    try:
        msg_id = await reach.send_mass(account_id, openids, *wechat, clientmsgid=clientmsgid)
    except WeChatAPIError as error:
        if error.retryable:
            raise
        job.status, job.error_code = "failed", str(error.errcode_received)
        await job.save(update_fields=["status", "error_code"])
        await _ensure_pumps(campaign_id)
        return job.error_code
    if msg_id is not None:
        job.msg_id = msg_id
        await job.save(update_fields=["msg_id"])
    return msg_id if msg_id is not None else job.msg_id


async def _send_batches(campaign: Campaign) -> int:
    """Auto plan: the rows the router sent to mass, numbered into batches, one send each."""
    wechat = await _mass_body(campaign)
    sent = 0
    for batch_no in await repository.pending_batches(campaign.id):
        if await _cancelled(campaign.id):
            break
        account_id, openids = await repository.batch_members(campaign.id, batch_no)
        if not openids:
            continue
        outcome = await _submit(
            campaign.id,
            account_id,
            batch_no,
            openids,
            wechat,
            clientmsgid=f"scrm:c{campaign.id}:b{batch_no}",
        )
        now = clock.utc_now()
        if isinstance(outcome, str):
            await repository.unbatch(campaign.id, batch_no, outcome, now)
            continue
        sent += await repository.mark_batch(campaign.id, batch_no, msg_id=outcome, now=now)
    return sent


def _wechat_body(content: CampaignContent) -> tuple[str, dict[str, object]]:
    """(msgtype, its body) of a mass send or its preview."""
    if content.msgtype == "text":
        return "text", {"content": content.text}
    if content.msgtype == "mpnews":
        # Not sent when WeChat judges the article a reprint (send_ignore_reprint 0).
        return "mpnews", {"media_id": content.media_id}
    return "image", {"media_id": content.media_id}


async def _ensure_pumps(campaign_id: int) -> None:
    for _ in range(get_settings().sends.campaign_senders):
        jobs.enqueue(PUMP, campaign_id=campaign_id)


def _campaign_intent(plan: ChannelPlan, content: MessageContent) -> send_rules.Intent:
    return send_rules.Intent(
        has_text=sends.has_wechat_message(content),
        has_template=bool(content.template_id),
        has_sms=bool(content.sms.strip()),
        marketing=True,
        mass=send_rules.Channel.MASS in rules.PLAN_CHANNELS[plan],
        channels=rules.PLAN_CHANNELS[plan],
    )


async def _message_for(content: CampaignContent, member_id: int) -> MessageContent:
    values = await care_repository.member_values(member_id) or {}
    return _render(content, values)


def _render(content: CampaignContent, values: dict[str, Any]) -> MessageContent:
    return MessageContent(
        text=care_rules.render(content.text, values),
        msgtype=content.msgtype,
        media_id=content.media_id,
        template_id=content.template_id,
        template_data={k: care_rules.render(v, values) for k, v in content.template_data.items()},
        template_url=content.template_url,
        sms=care_rules.render(content.sms, values),
        marketing=True,
        mass=True,
    )


async def pump(campaign_id: int) -> int:
    """Worker: send this campaign's rows through the router for up to PUMP_SECONDS, then hand
    on to a new task (so other work interleaves). Returns rows handled. Each claim of CLAIM rows
    reads its members together and sends over open clients (campaigns.sends.Batch); the next
    claim is taken and read while this one sends, so the database never holds a sender up."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or campaign.status is not CampaignStatus.RUNNING:
        return 0
    content = CampaignContent.model_validate(campaign.content)
    started = time.monotonic()
    handled = 0
    watch = _Watch()
    async with sends.batch() as run:
        claim = await _take(campaign, run)
        while claim is not None:
            await get_redis().set(_heartbeat_key(campaign_id), "1", ex=HEARTBEAT_SECONDS)
            more = time.monotonic() - started < PUMP_SECONDS
            upcoming = asyncio.create_task(_take(campaign, run)) if more else None
            try:
                sent = await _send_claim(campaign, content, run, claim, watch)
            except Exception:
                await _hand_back(run, upcoming, DeliveryStatus.QUEUED)
                raise
            if sent is None:
                await _hand_back(run, upcoming, DeliveryStatus.CANCELLED)
                return handled
            handled += sent
            if upcoming is None:
                jobs.enqueue(PUMP, campaign_id=campaign_id)
                return handled
            # Taken before this claim ended: rows it handed back since are looked for again.
            claim = await upcoming or await _take(campaign, run)
    await _wrap_up(campaign)
    return handled


@dataclass
class _Claim:
    """Rows one sender holds, what routing and rendering them needs, and when they were taken
    (the monotonic clock, for the lease)."""

    ids: list[int]
    rows: dict[int, Delivery]
    values: dict[int, dict[str, Any]]
    taken: float


async def _take(campaign: Campaign, run: sends.Batch) -> _Claim | None:
    """Claim up to CLAIM rows and read their members: None when none is left."""
    lease = timedelta(seconds=get_settings().sends.campaign_claim_lease_seconds)
    taken, now = time.monotonic(), clock.utc_now()
    claimed = await repository.claim(campaign.id, limit=CLAIM, now=now, stale_before=now - lease)
    if not claimed:
        return None
    ids = [row.id for row in claimed]
    rows = {row.id: row for row in claimed}
    member_ids = [row.member_id for row in claimed]
    mass = send_rules.Channel.MASS in rules.PLAN_CHANNELS[campaign.plan]
    _, values = await asyncio.gather(
        sends.prepare(run, member_ids, now, mass=mass),
        care_repository.member_values_of(member_ids),
    )
    return _Claim(ids, rows, values, taken)


async def _hand_back(
    run: sends.Batch, upcoming: "asyncio.Task[_Claim | None] | None", status: DeliveryStatus
) -> None:
    """The claim taken ahead goes back unsent (a failed read leaves its rows to the lease)."""
    if upcoming is None:
        return
    try:
        claim = await upcoming
    except Exception:
        return
    if claim is not None:
        for row in claim.rows.values():
            run.known.pop(row.member_id, None)
        await repository.release(claim.ids, status, clock.utc_now())


async def _send_claim(
    campaign: Campaign, content: CampaignContent, run: sends.Batch, claim: _Claim, watch: _Watch
) -> int | None:
    """Send a claim's rows: the rows handled, None when cancelled."""
    lease = get_settings().sends.campaign_claim_lease_seconds
    held_until = claim.taken + lease / 2
    ids = claim.ids
    for position, delivery_id in enumerate(ids):
        if time.monotonic() - watch.flag_at > CANCEL_CHECK_SECONDS:
            watch.flag_at = time.monotonic()
            if await _cancelled(campaign.id, watch):
                # Rows sent but not yet recorded are written first: release skips them then.
                await sends.record(run)
                await repository.release(ids[position:], DeliveryStatus.CANCELLED, clock.utc_now())
                return None
        if position and time.monotonic() > held_until:
            # Half the lease is gone (slow answers, a loaded host): the rest go back before
            # another sender may take them as abandoned and send them a second time.
            await sends.record(run)
            await repository.release(ids[position:], DeliveryStatus.QUEUED, clock.utc_now())
            return position
        row = claim.rows[delivery_id]
        message = _render(content, claim.values.get(row.member_id) or {})
        await sends.send_claimed(
            row, message, _campaign_intent(campaign.plan, message), clock.utc_now(), run
        )
    await sends.record(run, wait=False)
    return len(ids)


def _heartbeat_key(campaign_id: int) -> str:
    return f"campaigns:pump:{campaign_id}"


async def _wrap_up(campaign: Campaign) -> None:
    """No row left to claim: send what the router batched for mass, then finish if nothing
    waits (deferred rows keep the campaign running until their hour)."""
    now = clock.utc_now()
    lease = timedelta(seconds=get_settings().sends.campaign_claim_lease_seconds)
    work = await repository.open_work(campaign.id, now - lease)
    if work["claimable"] or work["sending"]:
        return
    if work["batched"]:
        numbered = await repository.number_routed_batches(campaign.id, size=MASS_BATCH, now=now)
        if await repository.unbatch(campaign.id, None, "", now):
            await _ensure_pumps(campaign.id)  # lone fans of an account: router without mass
        if numbered or await repository.pending_batches(campaign.id):
            await _send_batches(campaign)
        work = await repository.open_work(campaign.id, now - lease)
    if not any(work.values()):
        await repository.transition(
            campaign.id,
            frozenset({CampaignStatus.RUNNING}),
            CampaignStatus.DONE,
            clock.utc_now(),
            finished_at=clock.utc_now(),
        )


async def resume() -> int:
    """Beat: running campaigns whose senders are gone (a crash, a lost task) get new ones; a
    mass plan retries the batches left (outside marketing hours it waits)."""
    resumed = 0
    for campaign in await Campaign.filter(
        status__in=(CampaignStatus.RUNNING, CampaignStatus.FREEZING)
    ):
        if await get_redis().exists(_heartbeat_key(campaign.id)):
            continue
        jobs.enqueue(RUN, campaign_id=campaign.id)
        resumed += 1
    return resumed


async def progress(campaign_id: int) -> CampaignProgress:
    campaign = await _get(campaign_id)
    by_status: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for row in await repository.counts(campaign_id):
        status, n = str(row["status"]), int(row["n"])
        by_status[status] += n
        if status in ("sent", "delivered", "read", "clicked") and row["channel"]:
            by_channel[str(row["channel"])] += n
        if status in ("skipped", "skipped_optout", "failed", "cancelled"):
            skipped[str(row["reason"]) or status] += n
    finished, percent = rules.progress(by_status, campaign.recipients)
    jobs_ = await MassJob.filter(campaign_id=campaign_id)
    delivered, clicked = await sends.tracking_counts(campaign_id)
    return CampaignProgress(
        id=campaign.id,
        status=campaign.status,
        recipients=campaign.recipients,
        finished=finished,
        percent=percent,
        by_status=dict(by_status),
        by_channel=dict(by_channel),
        skipped=dict(skipped),
        delivered=delivered,
        clicked=clicked,
        clicks=await links.campaign_clicks(campaign_id),
        jobs=[MassJobRead.model_validate(j) for j in jobs_],
    )


async def send_preview(principal: Principal, campaign_id: int, body: PreviewSend) -> PreviewSent:
    """The content to one test fan (or a member's phone) before the real send."""
    campaign = await _get(campaign_id)
    content = CampaignContent.model_validate(campaign.content)
    if body.member_id is not None and not await members_service.is_visible(
        principal, body.member_id
    ):
        raise CampaignPreviewFanNotFoundError(field="member_id")
    fan_id: int | None = None
    if body.openid:
        fan_id = await reach.fan_by_openid(body.openid)
    elif body.member_id is not None:
        best = await reach.best_fan_of_member(body.member_id)
        fan_id = best.fan_id if best else None
    values = (await care_repository.member_values(body.member_id) if body.member_id else None) or {
        "name": "测试",
        "card_no": "",
        "points": 0,
        "tier": "",
    }
    if campaign.plan is ChannelPlan.SMS or (fan_id is None and body.member_id and content.sms):
        phone = await sends.phone_of(body.member_id or 0)
        if not phone:
            raise CampaignPreviewFanNotFoundError(field="member_id")
        await sends.send_preview_sms(phone, care_rules.render(content.sms, values))
        return PreviewSent(channel="sms", to=phone)
    if fan_id is None:
        raise CampaignPreviewFanNotFoundError(field="openid" if body.openid else "member_id")
    if campaign.plan is ChannelPlan.TEMPLATE or (
        campaign.plan is ChannelPlan.AUTO and content.template_id and not content.text
    ):
        data = {k: care_rules.render(v, values) for k, v in content.template_data.items()}
        await reach.send_template(
            fan_id,
            content.template_id,
            data,
            client_msg_id=f"preview:{campaign_id}:{time.time_ns()}",
            url=content.template_url,
        )
        return PreviewSent(channel="template", to=body.openid or str(body.member_id))
    if campaign.plan is ChannelPlan.CUSTOMER_SERVICE:
        if content.msgtype == "text":
            await reach.send_text(fan_id, care_rules.render(content.text, values))
        else:
            await reach.send_custom(fan_id, content.msgtype, {"media_id": content.media_id})
        return PreviewSent(channel="customer_service", to=body.openid or str(body.member_id))
    await reach.preview_mass(fan_id, *_wechat_body(content))
    return PreviewSent(channel="mass_preview", to=body.openid or str(body.member_id))


async def record_mass_finished(
    msg_id: int, status: str, total: int, filtered: int, sent: int, errors: int
) -> int:
    """MASSSENDJOBFINISH: WeChat's own counts for one mass send."""
    return await MassJob.filter(msg_id=msg_id).update(
        status="finished",
        wechat_status=status[:64],
        total_count=total,
        filter_count=filtered,
        sent_count=sent,
        error_count=errors,
        finished_at=clock.utc_now(),
    )
