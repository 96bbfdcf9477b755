"""What the network sends us: status reports, replies (with opt-outs) and incoming calls."""

from collections.abc import Awaitable, Callable
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from crm_core import clock
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from sms_gateway import repository, rules
from sms_gateway.models import SmsCall, SmsInbound, SmsPart, SmsReport, SmsStatus
from sms_gateway.pdu import Deliver, DeliveryState, StatusReport, normalize_cn_msisdn
from sms_gateway.schemas import CallerCard
from sms_gateway.service import outbox, suppression

MULTIPART_TIMEOUT = timedelta(seconds=600)
CALL_GAP = timedelta(seconds=30)
# (number, viewer) -> card; the viewer decides which links the card may offer.
CallerLookup = Callable[[str, Principal], Awaitable[CallerCard | None]]
_caller_lookup: list[CallerLookup] = []


def set_caller_lookup(lookup: CallerLookup) -> None:
    """Upper layers (members, customers) register who a number belongs to, from scrm."""
    _caller_lookup[:] = [lookup]


async def record_status_report(
    modem_id: int, report: StatusReport, *, window: timedelta
) -> int | None:
    """Match on (modem, MR, recipient) near the report's SCTS; unmatched reports wait in a
    buffer, because a report can overtake the commit of its own ``+CMGS`` (gsm.md §6.9 #14)."""
    recipient = normalize_cn_msisdn(report.recipient)
    async with unit_of_work() as connection:
        candidates = await repository.matching_parts(
            modem_id,
            report.message_reference,
            recipient,
            around=report.timestamp,
            window=window,
            connection=connection,
        )
        if not candidates:
            await SmsReport.create(
                modem_id=modem_id,
                message_reference=report.message_reference,
                recipient=recipient,
                submitted_at=report.timestamp,
                status=report.status,
                received_at=clock.utc_now(),
                using_db=connection,
            )
            return None
        part = max(
            candidates,
            key=lambda p: (-abs((p.submitted_at or report.timestamp) - report.timestamp), p.id),
        )
        await _apply_report(part, report.state, report.status, connection)
    return int(part.id)


async def _apply_report(
    part: SmsPart, state: DeliveryState, status: int, connection: BaseDBAsyncClient
) -> None:
    if state is DeliveryState.PENDING or part.status not in {SmsStatus.SENT, SmsStatus.UNKNOWN}:
        part.report_status = status
        await part.save(using_db=connection)
        return
    delivered = state is DeliveryState.DELIVERED
    part.status = SmsStatus.DELIVERED if delivered else SmsStatus.FAILED
    part.report_status = status
    part.delivered_at = clock.utc_now() if delivered else None
    if not delivered:
        part.error_code, part.error_detail = "report_failed", f"状态报告 TP-ST=0x{status:02X}"
    await part.save(using_db=connection)
    message = await repository.lock_message(part.message_id, connection)
    if message.status is not SmsStatus.SENDING and message.status is not SmsStatus.QUEUED:
        await outbox.settle(message, connection)


async def retry_unmatched_reports(modem_id: int, *, window: timedelta) -> int:
    matched = 0
    for row in await SmsReport.filter(modem_id=modem_id).order_by("id"):
        report = StatusReport(
            None,
            row.message_reference,
            row.recipient,
            row.submitted_at,
            row.submitted_at,
            row.status,
        )
        async with unit_of_work() as connection:
            parts = await repository.matching_parts(
                modem_id,
                row.message_reference,
                row.recipient,
                around=row.submitted_at,
                window=window,
                connection=connection,
            )
            if parts:
                await _apply_report(
                    max(parts, key=lambda p: p.id), report.state, row.status, connection
                )
                await row.delete(using_db=connection)
                matched += 1
            elif clock.utc_now() - row.received_at > window:
                await row.delete(using_db=connection)
    return matched


async def record_inbound(modem_id: int | None, deliver: Deliver) -> SmsInbound:
    """Store a reply; a concatenated one is joined on (sender, reference, total). A complete
    opt-out reply ("T", "TD", "退订"…) suppresses the number at once."""
    sender = normalize_cn_msisdn(deliver.originator)
    now = clock.utc_now()
    async with unit_of_work() as connection:
        row = None
        if deliver.concat is not None:
            row = await (
                SmsInbound.filter(
                    sender=sender,
                    concat_reference=deliver.concat.reference,
                    total=deliver.concat.total,
                    complete=False,
                    received_at__gt=now - MULTIPART_TIMEOUT,
                )
                .select_for_update()
                .using_db(connection)
                .first()
            )
        if row is None:
            row = SmsInbound(
                modem_id=modem_id,
                sender=sender,
                received_at=now,
                parts={},
                concat_reference=deliver.concat.reference if deliver.concat else None,
                total=deliver.concat.total if deliver.concat else 1,
            )
        sequence = deliver.concat.sequence if deliver.concat else 1
        row.parts = {**row.parts, str(sequence): deliver.text}
        row.complete = len(row.parts) >= row.total
        row.text = "".join(row.parts[key] for key in sorted(row.parts, key=int))
        if row.complete and rules.is_opt_out(row.text):
            row.opt_out = True
            await suppression.suppress(
                sender, reason=f"短信回复“{row.text}”", source="reply", connection=connection
            )
        await row.save(using_db=connection)
    return row


async def flush_incomplete() -> int:
    """Parts that never completed are shown as they are after the multipart timeout."""
    return await SmsInbound.filter(
        complete=False, received_at__lt=clock.utc_now() - MULTIPART_TIMEOUT
    ).update(complete=True)


async def record_ring(modem_id: int | None, number: str) -> SmsCall:
    """RING repeats every few seconds with +CLIP; one call is one row until a 30 s gap."""
    number = number.strip() or "未知号码"
    now = clock.utc_now()
    call = await SmsCall.filter(modem_id=modem_id, last_ring_at__gt=now - CALL_GAP).first()
    if call is not None and call.number in {number, "未知号码"}:
        call.number, call.rings, call.last_ring_at = number, call.rings + 1, now
        await call.save()
        return call
    return await SmsCall.create(modem_id=modem_id, number=number, started_at=now, last_ring_at=now)


async def _with_cards(
    calls: list[SmsCall], viewer: Principal
) -> list[tuple[SmsCall, CallerCard | None]]:
    if not _caller_lookup:
        return [(call, None) for call in calls]
    return [(call, await _caller_lookup[0](call.number, viewer)) for call in calls]


async def calls_after(
    call_id: int, viewer: Principal, limit: int = 5
) -> list[tuple[SmsCall, CallerCard | None]]:
    return await _with_cards(
        await SmsCall.filter(id__gt=call_id).order_by("id").limit(limit), viewer
    )


async def recent_calls(
    viewer: Principal, limit: int = 100
) -> list[tuple[SmsCall, CallerCard | None]]:
    return await _with_cards(await SmsCall.all().limit(limit), viewer)


async def call_page(
    viewer: Principal, *, q: str = "", after: int = 0, page: int = 1, page_size: int = 50
) -> tuple[int, list[tuple[SmsCall, CallerCard | None]]]:
    """Calls newest first, each with the card of who is calling as this viewer may see it."""
    query = SmsCall.filter(id__gt=after)
    if q:
        query = query.filter(number__contains=q)
    total, rows = await repository.page(query.order_by("-id"), page, page_size)
    return total, await _with_cards(rows, viewer)


async def poll_calls(
    viewer: Principal, after: int
) -> tuple[int, list[tuple[SmsCall, CallerCard | None]]]:
    """The caller-ID pop-up's poll: the calls newer than ``after`` and the id to ask after
    next time; ``after`` -1 (a page just opened) answers only the latest id."""
    if after < 0:
        return await latest_call_id(), []
    found = await calls_after(after, viewer)
    return max([after, *(call.id for call, _ in found)]), found


async def latest_call_id() -> int:
    latest = await SmsCall.all().order_by("-id").first()
    return int(latest.id) if latest else 0


async def list_inbound(limit: int = 100, sender: str = "") -> list[SmsInbound]:
    query = SmsInbound.all()
    if sender:
        query = query.filter(sender__contains=sender)
    return await query.limit(limit)


async def inbound_page(
    *,
    q: str = "",
    sender: str = "",
    opt_out: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[int, list[SmsInbound]]:
    query = SmsInbound.all()
    if sender:
        query = query.filter(sender__contains=sender)
    if q:
        query = query.filter(Q(sender__contains=q) | Q(text__icontains=q))
    if opt_out is not None:
        query = query.filter(opt_out=opt_out)
    return await repository.page(query.order_by("-id"), page, page_size)
