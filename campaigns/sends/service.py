"""Routing and sending one message to one member, recorded in the delivery ledger."""

import asyncio
import hashlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from campaigns.links import service as links
from campaigns.sends import repository, rules
from campaigns.sends.models import Delivery, DeliveryStatus
from campaigns.sends.rules import Channel, Decision, SkipReason
from campaigns.sends.schemas import (
    DeliveryPage,
    DeliveryRead,
    DryRunRequest,
    DryRunResult,
    MessageContent,
)
from crm_core import clock, jobs
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from sms_gateway import rules as sms_rules
from sms_gateway.errors import ConsentRequiredError, NumberSuppressedError, SmsGatewayError
from sms_gateway.models import MessageKind
from sms_gateway.service import messages as sms_messages
from sms_gateway.service import suppression
from wechat.errors import WeChatAPIError
from wechat.service import reach

DELIVER = "campaigns.deliver_message"
PUMP = "campaigns.pump_campaign"
SMS_REPORT_HORIZON = timedelta(days=3)
# Claims per row, counted in the ledger: a transient failure on the last one, or a row claimed
# this often without an answer (killed workers, lost retries), ends `failed`. Celery retries
# `deliver_message` MAX_ATTEMPTS - 1 times (campaigns/tasks.py).
MAX_ATTEMPTS = 6
RETRIES_EXHAUSTED = "retries_exhausted"
# Lost rows re-enqueued per beat run: a long backlog waiting for the rate limit also looks lost,
# and its extra tasks only find the row claimed or done.
REQUEUE_BATCH = 500
# Sent rows a batch may record later, together: their sends carry a dedupe key (`record`).
# WeChat's TEMPLATESENDJOBFINISH finds the row by the msgid recorded here; one that comes
# before the write is retried (campaigns.tasks.on_template_finished).
HELD_BACK = frozenset({Channel.TEMPLATE, Channel.SMS})
RECORD_EVERY = 50
REPORT_TASK = "campaigns.on_template_finished"
REPORT_RETRIES = 3
REPORT_WAIT_SECONDS = 5.0  # then 10 s, 20 s: a sender writes its rows within one claim


def policy() -> rules.Policy:
    settings = get_settings().sends
    return rules.Policy(
        marketing_start=settings.marketing_start,
        marketing_end=settings.marketing_end,
        caps=settings.caps,
        mass_per_month=settings.mass_per_month,
    )


def has_wechat_message(content: MessageContent) -> bool:
    """Something for customer service or a mass send: text, or a picture / article."""
    if content.msgtype == "text":
        return bool(content.text.strip())
    return bool(content.media_id)


def intent_of(content: MessageContent) -> rules.Intent:
    return rules.Intent(
        has_text=has_wechat_message(content),
        has_template=bool(content.template_id),
        has_sms=bool(content.sms.strip()),
        marketing=content.marketing,
        mass=content.mass,
    )


async def enqueue(
    intent_key: str, kind: str, member_id: int, content: MessageContent
) -> tuple[int, bool]:
    """One ledger row per (intent, member): (its id, whether this call created it). A repeated
    event finds the first row and sends nothing more. The channel is chosen at send time."""
    key = f"{intent_key}:{member_id}"
    now = clock.utc_now()
    try:
        async with unit_of_work() as connection:
            row = await Delivery.create(
                idempotency_key=key,
                intent_key=intent_key,
                kind=kind,
                member_id=member_id,
                content=content.model_dump(),
                created_at=now,
                updated_at=now,
                using_db=connection,
            )
            jobs.enqueue(DELIVER, delivery_id=row.id)
    except IntegrityError:
        return int((await Delivery.get(idempotency_key=key)).id), False
    return int(row.id), True


Routing = tuple[rules.Recipient, int | None, str]  # what the router knows, fan id, phone


async def _recipients(
    member_ids: list[int], now: datetime, *, mass: bool = True
) -> tuple[dict[int, Routing], list[reach.FanReach]]:
    """What the router needs to know of these members, in a few set-based queries; `mass=False`
    (an intent that cannot go by mass send) skips counting this month's mass sends. Also the
    fans chosen, for a sender to write to without reading them again."""
    contacts = await repository.member_contacts(member_ids)
    fans = await reach.best_fans_of_members(list(contacts))
    phones = [phone for phone in contacts.values() if phone]
    opted_out = await suppression.suppressed_among(phones) if phones else set()
    consent = await suppression.consented_among(phones) if phones else set()
    fan_ids = [fan.fan_id for fan in fans.values()]
    mass_used = await repository.mass_used(fan_ids, now) if mass and fan_ids else {}
    used = await repository.used_by_channels(list(contacts), now) if contacts else {}
    known: dict[int, Routing] = {}
    for member_id in member_ids:
        phone = contacts.get(member_id)
        fan = fans.get(member_id)
        recipient = rules.Recipient(
            exists=member_id in contacts,
            opted_out=bool(phone) and phone in opted_out,
            fan=rules.Fan(fan.subscribed, fan.blacklisted, fan.window_open) if fan else None,
            has_phone=bool(phone),
            sms_consent=bool(phone) and phone in consent,
            mass_used=mass_used.get(fan.fan_id, 0) if fan else 0,
            used=used.get(member_id, {}),
        )
        known[member_id] = (recipient, fan.fan_id if fan else None, phone or "")
    return known, list(fans.values())


async def _recipient(member_id: int, now: datetime, *, mass: bool = True) -> Routing:
    known, _ = await _recipients([member_id], now, mass=mass)
    return known[member_id]


@dataclass
class Batch:
    """A sender's run over many claimed rows: their members read together (`prepare`), one open
    WeChat client per account, and sent rows recorded together (`record`)."""

    sender: reach.Sender
    known: dict[int, Routing] = field(default_factory=dict)
    unrecorded: list[Delivery] = field(default_factory=list)
    writing: "asyncio.Task[None] | None" = None


@asynccontextmanager
async def batch() -> AsyncIterator[Batch]:
    async with reach.sender() as sender:
        run = Batch(sender)
        try:
            yield run
        finally:
            await record(run)


async def prepare(run: Batch, member_ids: list[int], now: datetime, *, mass: bool) -> None:
    """Read what routing these members needs; a run may prepare its next rows while it sends."""
    known, fans = await _recipients(member_ids, now, mass=mass)
    run.known.update(known)
    run.sender.know(fans)


async def record(run: Batch, *, wait: bool = True) -> None:
    """Write the sent rows held back. Only rows whose send carries its own dedupe key are held
    (a template's client_msg_id, the SMS gateway's key): a sender killed before this resends
    them, and WeChat or the gateway drops the repeat (docs/campaigns.md). `wait=False` writes
    in the background while the run sends on; one write at a time, and `record()` waits for
    all of them."""
    rows, run.unrecorded = run.unrecorded, []
    previous, run.writing = run.writing, None
    if previous is not None:
        await previous
    if not rows:
        return
    if wait:
        await repository.record_sent(rows)
    else:
        run.writing = asyncio.create_task(repository.record_sent(rows))


async def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    lease = timedelta(seconds=get_settings().sends.claim_lease_seconds)
    async with unit_of_work():
        row = await repository.lock(delivery_id)
        if row is None:
            return None
        due = row.status is DeliveryStatus.QUEUED or (
            row.status is DeliveryStatus.DEFERRED and (row.not_before or now) <= now
        )
        # A worker that died mid-send leaves its claim; after the lease another may take it.
        stale = row.status is DeliveryStatus.SENDING and (row.claimed_at or now) < now - lease
        if not (due or stale):
            return None
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.reason, row.updated_at = DeliveryStatus.FAILED, RETRIES_EXHAUSTED, now
            await row.save(update_fields=["status", "reason", "updated_at"])
            return None
        row.status, row.claimed_at, row.updated_at = DeliveryStatus.SENDING, now, now
        row.attempts += 1
        await row.save(update_fields=["status", "claimed_at", "updated_at", "attempts"])
    return row


async def deliver(delivery_id: int) -> str:
    """Worker: claim the row, re-check opt-out and caps now, send on the chosen channel.

    A redelivered task finds the row already claimed or finished and sends nothing. Campaign
    rows are sent by their campaign's senders (campaigns.mass), which this hands them back to."""
    now = clock.utc_now()
    row = await _claim(delivery_id, now)
    if row is None:
        current = await Delivery.get_or_none(id=delivery_id).values_list("status", flat=True)
        return str(current or "missing")
    if row.campaign_id is not None:
        await _release(row)
        jobs.enqueue(PUMP, campaign_id=row.campaign_id)
        return DeliveryStatus.QUEUED.value
    content = MessageContent.model_validate(row.content)
    return await send_claimed(row, content, intent_of(content), now)


async def send_claimed(
    row: Delivery,
    content: MessageContent,
    intent: rules.Intent,
    now: datetime,
    run: Batch | None = None,
) -> str:
    """Route and send one claimed (`sending`) row; the row ends sent, batched for a mass send,
    deferred, skipped or failed. Retryable WeChat errors put it back to queued and raise. In a
    `run`, the member's first routing comes from `prepare` and sent rows may wait for `record`."""
    excluded = frozenset(Channel(c) for c in row.excluded.split(",") if c)
    mass = intent.mass and Channel.MASS in intent.channels
    known = run.known.pop(row.member_id, None) if run else None
    while True:
        recipient, fan_id, phone = known or await _recipient(row.member_id, now, mass=mass)
        known = None  # after a refusal the member is read again
        decision = rules.decide(intent, recipient, now, policy(), excluded=excluded)
        row.fan_id = fan_id
        if decision.channel is None or decision.defer_until is not None:
            return await _settle(row, decision, now)
        try:
            await _send(row, decision.channel, content, phone, run.sender if run else None)
        except WeChatAPIError as error:
            if error.retryable:
                row.error_code, row.error_message = str(error.errcode_received), error.errmsg[:255]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status, row.reason = DeliveryStatus.FAILED, RETRIES_EXHAUSTED
                    await _save(row, now)
                    return row.status.value
                await _release(row)
                raise
            excluded |= rules.permanent_exclusion(decision.channel, error.errcode_received)
            row.error_code, row.error_message = str(error.errcode_received), error.errmsg[:255]
            row.excluded = ",".join(sorted(excluded))
            continue
        except (NumberSuppressedError, ConsentRequiredError) as error:
            reason = (
                SkipReason.OPTED_OUT
                if isinstance(error, NumberSuppressedError)
                else SkipReason.NO_SMS_CONSENT
            )
            return await _settle(row, Decision(skip=reason), now)
        except SmsGatewayError as error:
            row.status, row.error_code = DeliveryStatus.FAILED, error.code
            row.channel, row.error_message = Channel.SMS, str(error)[:255]
            await _save(row, now)
            return row.status.value
        row.channel = decision.channel
        row.status = (
            DeliveryStatus.BATCHED if decision.channel is Channel.MASS else DeliveryStatus.SENT
        )
        row.sent_at = now
        if run is not None and decision.channel in HELD_BACK:
            row.updated_at = now
            run.unrecorded.append(row)
            if len(run.unrecorded) >= RECORD_EVERY:
                await record(run, wait=False)
        else:
            await _save(row, now)
        return row.status.value


async def _send(
    row: Delivery,
    channel: Channel,
    content: MessageContent,
    phone: str,
    sender: reach.Sender | None = None,
) -> None:
    if sender is None:
        async with reach.sender() as one:
            await _send(row, channel, content, phone, one)
        return
    content = await links.track_message(row.id, row.campaign_id, channel, content)
    if channel is Channel.CUSTOMER_SERVICE and row.fan_id is not None:
        if content.msgtype == "text":
            await sender.send_text(row.fan_id, content.text)
        else:
            await sender.send_custom(row.fan_id, content.msgtype, {"media_id": content.media_id})
    elif channel is Channel.TEMPLATE and row.fan_id is not None:
        # WeChat drops a repeated client_msg_id, which bounds a crash-and-retry duplicate.
        digest = hashlib.sha1(row.idempotency_key.encode(), usedforsecurity=False).hexdigest()
        row.wechat_msgid = await sender.send_template(
            row.fan_id,
            content.template_id,
            content.template_data,
            client_msg_id=digest,
            url=content.template_url,
        )
    elif channel is Channel.SMS:
        kind = MessageKind.MARKETING if content.marketing else MessageKind.TRANSACTIONAL
        # The gateway's own idempotency key: a second attempt finds the first SMS.
        sms = await sms_messages.send_message(
            phone, content.sms, kind=kind, purpose="care", key=f"campaigns:delivery:{row.id}"
        )
        row.sms_message_id = sms.id


async def _settle(row: Delivery, decision: Decision, now: datetime) -> str:
    reason = decision.skip.value if decision.skip else ""
    if decision.defer_until is not None:
        row.status, row.not_before = DeliveryStatus.DEFERRED, decision.defer_until
        row.attempts -= 1  # waiting for the hour is not a try (MAX_ATTEMPTS)
        row.channel = decision.channel or ""
    elif decision.skip is SkipReason.OPTED_OUT:
        row.status, row.reason = DeliveryStatus.SKIPPED_OPTOUT, decision.skip.value
    elif row.error_code:
        # WeChat refused and nothing else reaches the member: a failure, with WeChat's code.
        row.status, row.reason = DeliveryStatus.FAILED, reason
    else:
        row.status, row.reason = DeliveryStatus.SKIPPED, reason
    await _save(row, now)
    return row.status.value


async def _release(row: Delivery) -> None:
    row.status = DeliveryStatus.QUEUED
    await _save(row, clock.utc_now())


async def _save(row: Delivery, now: datetime) -> None:
    row.updated_at = now
    await row.save()


async def release_deferred() -> int:
    """Beat: rows no task will pick up go back to the workers. Deferred rows whose hour has come
    (no long ETAs on Redis), a campaign's in one statement to its senders; claims of a worker
    killed mid-send, past the lease; queued rows whose task was lost. A lost row goes again at
    most once per `requeue_after_seconds`."""
    now = clock.utc_now()
    settings = get_settings().sends
    campaigns = await repository.requeue_due_campaign_rows(now)
    for campaign_id in campaigns:
        jobs.enqueue(PUMP, campaign_id=campaign_id)
    ids = await repository.due_deferred(now).values_list("id", flat=True)
    idle_since = now - timedelta(seconds=settings.requeue_after_seconds)
    lease_start = now - timedelta(seconds=settings.claim_lease_seconds)
    lost = await repository.lost_ids(idle_since, lease_start, REQUEUE_BATCH)
    await repository.touch(lost, idle_since, now)
    for delivery_id in [*ids, *lost]:
        jobs.enqueue(DELIVER, delivery_id=delivery_id)
    return len(ids) + len(campaigns) + len(lost)


async def record_sms_reports() -> int:
    """Beat: the modem's delivery reports (or final failures) of the last days, into the ledger."""
    now = clock.utc_now()
    waiting = await repository.sms_awaiting_report(now - SMS_REPORT_HORIZON)
    changed = 0
    for sms_id, status, error_code, delivered_at in await repository.sms_outcomes(list(waiting)):
        rows = Delivery.filter(id=waiting[sms_id])
        if status == "delivered":
            changed += await repository.mark_delivered(rows, delivered_at or now, now)
        else:
            changed += await repository.mark_failed(rows, now, error_code=error_code[:32])
    return changed


async def record_template_finished(msg_id: int, status: str, attempt: int = 0) -> int:
    """TEMPLATESENDJOBFINISH: the template row WeChat reports on becomes delivered, or failed
    with WeChat's status as the message. Only forward; a repeated event changes nothing. A
    report may come before its sender wrote the msgid (`record`): it is tried again a few
    seconds later, REPORT_RETRIES times, then taken as not one of ours."""
    outcome = rules.template_outcome(status)
    if outcome is None:
        return 0
    delivered, error_code = outcome
    rows, now = repository.template_rows(msg_id), clock.utc_now()
    if delivered:
        changed = await repository.mark_delivered(rows, now, now)
    else:
        changed = await repository.mark_failed(
            rows, now, error_code=error_code, error_message=status.strip()[:255]
        )
    if not changed and attempt < REPORT_RETRIES and not await rows.exists():
        jobs.enqueue_later(
            REPORT_TASK,
            REPORT_WAIT_SECONDS * 2**attempt,
            msg_id=msg_id,
            status=status,
            attempt=attempt + 1,
        )
    return changed


async def tracking_counts(campaign_id: int) -> tuple[int, int]:
    """(delivered, clicked) rows of a campaign."""
    return await repository.tracking_counts(campaign_id)


async def decide_for(member_id: int, content: MessageContent) -> Decision:
    now = clock.utc_now()
    recipient, _, _ = await _recipient(member_id, now)
    return rules.decide(intent_of(content), recipient, now, policy())


async def dry_run(request: DryRunRequest) -> DryRunResult:
    """How the router would send to each member now; nothing is written or sent."""
    now = clock.utc_now()
    intent = rules.Intent(
        has_text=request.text,
        has_template=request.template,
        has_sms=request.sms,
        marketing=request.marketing,
        mass=request.mass,
        channels=frozenset(request.channels),
    )
    channels: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    deferred = 0
    known, _ = await _recipients(list(dict.fromkeys(request.member_ids)), now)
    for recipient, _, _ in known.values():
        decision = rules.decide(intent, recipient, now, policy())
        if decision.channel is not None:
            channels[decision.channel.value] += 1
            deferred += decision.defer_until is not None
        elif decision.skip is not None:
            skipped[decision.skip.value] += 1
    return DryRunResult(
        total=len(dict.fromkeys(request.member_ids)),
        channels=dict(channels),
        deferred=deferred,
        skipped=dict(skipped),
    )


async def list_deliveries(
    *,
    status: str = "",
    channel: str = "",
    kind: str = "",
    member_id: int | None = None,
    intent_key: str = "",
    page: int = 1,
    page_size: int = 50,
) -> DeliveryPage:
    query = Delivery.filter(
        repository.ledger_filter(
            status=status, channel=channel, kind=kind, member_id=member_id, intent_key=intent_key
        )
    )
    total, items = await repository.page(query, page, page_size)
    return DeliveryPage(
        items=[DeliveryRead.model_validate(row) for row in items],
        total=total,
        page=page,
        page_size=page_size,
    )


def marketing_opens(now: datetime) -> datetime:
    """`now` inside marketing hours (Asia/Shanghai), else when they next open."""
    settings = get_settings().sends
    return sms_rules.next_sending_time(now, settings.marketing_start, settings.marketing_end)


def sms_composition(text: str, *, marketing: bool) -> tuple[str, str, str]:
    """What the gateway adds around an SMS (signature, 回T退订): the gateway's own rule."""
    settings = get_settings().sms
    return sms_rules.composition(
        text,
        marketing=marketing,
        signature=settings.signature,
        opt_out_suffix=settings.opt_out_suffix,
    )


async def phone_of(member_id: int) -> str:
    _, phone = await repository.member_contact(member_id)
    return phone or ""


async def send_preview_sms(phone: str, text: str) -> int:
    """A campaign's SMS to a staff member's test phone, through the gateway's rules."""
    sms = await sms_messages.send_message(
        phone, text, kind=MessageKind.TRANSACTIONAL, purpose="campaign_preview"
    )
    return int(sms.id)
