"""The leased outbound queue, as the modem daemon sees it (gsm.md §7.1–7.2, reliability §4.4).

Every state change commits on its own: a part is marked ``sending`` *before* its PDU is written, so
after a crash a ``sending`` part means "may have gone out" and becomes UNKNOWN, never a resend.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from crm_core import clock
from crm_core.config import SmsSettings
from crm_core.db import unit_of_work
from sms_gateway import repository, rules
from sms_gateway.models import MessageKind, Modem, SmsMessage, SmsPart, SmsStatus
from sms_gateway.service import suppression
from sms_gateway.service.messages import sendable_pdu

_FINAL = {SmsStatus.SENT, SmsStatus.DELIVERED, SmsStatus.FAILED, SmsStatus.UNKNOWN}


@dataclass(frozen=True)
class PartWork:
    id: int
    sequence: int
    tpdu_length: int
    pdu_hex: str


@dataclass(frozen=True)
class Claim:
    message_id: int
    kind: MessageKind
    recipient: str
    parts: list[PartWork]


async def claim_next(modem_id: int, owner: str, settings: SmsSettings) -> Claim | None:
    """Lease the most urgent message this modem may send, all its parts at once."""
    while True:
        now = clock.utc_now()
        marketing_open = rules.within_hours(now, settings.marketing_start, settings.marketing_end)
        async with unit_of_work() as connection:
            message_id = await repository.claim_message(
                modem_id,
                owner,
                now=now,
                lease=timedelta(seconds=settings.lease_seconds),
                marketing_open=marketing_open,
                connection=connection,
            )
            if message_id is None:
                return None
            message = await repository.lock_message(message_id, connection)
            # Consent is checked again at send time: an opt-out after enqueue still wins (TQ-8).
            if message.kind is MessageKind.MARKETING and (
                await suppression.is_suppressed(message.recipient, connection)
                or not await suppression.has_consent(message.recipient, connection)
            ):
                await _finish(
                    message,
                    connection,
                    status=SmsStatus.FAILED,
                    code="suppressed",
                    detail="号码已退订或撤回同意，未发送",
                )
                continue
            parts = await repository.parts_of(message_id, connection)
            return Claim(
                message.id,
                message.kind,
                message.recipient,
                [
                    PartWork(
                        p.id, p.sequence, p.tpdu_length, sendable_pdu(message.purpose, p.pdu_hex)
                    )
                    for p in parts
                    if p.status is SmsStatus.QUEUED
                ],
            )


async def begin_part(
    part: PartWork, message_id: int, modem_id: int, owner: str, lease_seconds: int
) -> bool:
    """Renew the lease and mark the part in flight; False if the lease was lost meanwhile."""
    now = clock.utc_now()
    async with unit_of_work() as connection:
        renewed = (
            await SmsMessage.filter(id=message_id, status=SmsStatus.SENDING, lease_owner=owner)
            .using_db(connection)
            .update(lease_until=now + timedelta(seconds=lease_seconds), updated_at=now)
        )
        if not renewed:
            return False
        await (
            SmsPart.filter(id=part.id, status=SmsStatus.QUEUED)
            .using_db(connection)
            .update(status=SmsStatus.SENDING, modem_id=modem_id, attempts=F("attempts") + 1)
        )
    return True


async def part_sent(part: PartWork, modem_id: int, message_reference: int) -> None:
    async with unit_of_work() as connection:
        await (
            SmsPart.filter(id=part.id)
            .using_db(connection)
            .update(
                status=SmsStatus.SENT,
                message_reference=message_reference,
                submitted_at=clock.utc_now(),
                error_code="",
                error_detail="",
            )
        )
        await (
            Modem.filter(id=modem_id)
            .using_db(connection)
            .update(parts_sent=F("parts_sent") + 1, consecutive_failures=0)
        )


async def finish_sent(message_id: int) -> None:
    """All parts are out; reports may already have arrived for some of them."""
    async with unit_of_work() as connection:
        message = await repository.lock_message(message_id, connection)
        await settle(message, connection)


async def part_unknown(part: PartWork, message_id: int, detail: str) -> None:
    """Written but unanswered: the SMS may be on the handset. Never resent automatically, and
    the parts after it stay unsent (sending them would deliver a message with a hole)."""
    async with unit_of_work() as connection:
        await (
            SmsPart.filter(id=part.id)
            .using_db(connection)
            .update(
                status=SmsStatus.UNKNOWN, error_code="outcome_unknown", error_detail=detail[:255]
            )
        )
        message = await repository.lock_message(message_id, connection)
        await _finish(
            message, connection, status=SmsStatus.UNKNOWN, code="outcome_unknown", detail=detail
        )


async def part_failed(part: PartWork, message_id: int, code: str, detail: str) -> None:
    async with unit_of_work() as connection:
        await (
            SmsPart.filter(id=part.id)
            .using_db(connection)
            .update(status=SmsStatus.FAILED, error_code=code[:64], error_detail=detail[:255])
        )
        message = await repository.lock_message(message_id, connection)
        await _finish(message, connection, status=SmsStatus.FAILED, code=code, detail=detail)


async def part_retry(
    part: PartWork, message_id: int, code: str, detail: str, settings: SmsSettings
) -> bool:
    """A transient error before anything went out: back to the queue with back-off.
    Returns False when the part used up its attempts and the message failed instead."""
    stored = await SmsPart.get(id=part.id)
    if stored.attempts >= settings.max_attempts:
        await part_failed(part, message_id, code, f"重试 {stored.attempts} 次后仍失败：{detail}")
        return False
    delay = rules.retry_delay(stored.attempts, settings.retry_backoff_seconds)
    await release(
        message_id,
        part=part,
        code=code,
        detail=detail,
        not_before=clock.utc_now() + timedelta(seconds=delay),
    )
    return True


async def release(
    message_id: int,
    *,
    part: PartWork | None = None,
    code: str = "",
    detail: str = "",
    not_before: datetime | None = None,
) -> None:
    """Give the message back to the queue. It stays pinned to its modem only if some part
    already went out on that SIM; otherwise any modem may take it."""
    async with unit_of_work() as connection:
        if part is not None:
            await (
                SmsPart.filter(id=part.id, status=SmsStatus.SENDING)
                .using_db(connection)
                .update(status=SmsStatus.QUEUED, error_code=code[:64], error_detail=detail[:255])
            )
        message = await repository.lock_message(message_id, connection)
        await _requeue(message, connection, not_before or clock.utc_now(), code, detail)


async def _requeue(
    message: SmsMessage, connection: BaseDBAsyncClient, not_before: datetime, code: str, detail: str
) -> None:
    parts = await repository.parts_of(message.id, connection)
    pinned = any(p.status is not SmsStatus.QUEUED for p in parts)
    message.status = SmsStatus.QUEUED
    message.modem_id = message.modem_id if pinned else None
    message.lease_owner, message.lease_until = "", None
    message.not_before, message.updated_at = not_before, clock.utc_now()
    message.error_code, message.error_detail = code[:64], detail[:255]
    await message.save(using_db=connection)


async def release_all(owner: str) -> int:
    """A modem going out of service hands back what it leased (nothing of it was submitted)."""
    async with unit_of_work() as connection:
        messages = await repository.leased_by(owner, connection)
        for message in messages:
            await _requeue(
                message,
                connection,
                clock.utc_now(),
                "modem_released",
                "模块停用，消息已转交其他模块",
            )
    return len(messages)


async def fail_pinned(modem_id: int) -> int:
    """A modem taken out of service strands messages whose first parts went out on its SIM; the
    rest may not come from another SIM, so they end as failed (visible) instead of waiting."""
    async with unit_of_work() as connection:
        messages = await repository.pinned_to(modem_id, connection)
        for message in messages:
            await _finish(
                message,
                connection,
                status=SmsStatus.FAILED,
                code="modem_disabled",
                detail="模块停用时长短信只发出了一部分，其余分段未发送",
            )
    return len(messages)


async def reap_expired_leases() -> int:
    """Leases of a crashed daemon: a part it was writing may have gone out, so it is UNKNOWN;
    untouched work goes back to the queue."""
    async with unit_of_work() as connection:
        messages = await repository.expired_leases(clock.utc_now(), connection)
        for message in messages:
            in_flight = (
                await SmsPart.filter(message_id=message.id, status=SmsStatus.SENDING)
                .using_db(connection)
                .update(
                    status=SmsStatus.UNKNOWN,
                    error_code="lease_expired",
                    error_detail="发送中断，结果未知",
                )
            )
            if in_flight:
                await _finish(
                    message,
                    connection,
                    status=SmsStatus.UNKNOWN,
                    code="lease_expired",
                    detail="发送进程中断，结果未知",
                )
            else:
                await _requeue(
                    message, connection, clock.utc_now(), "lease_expired", "租约过期，重新排队"
                )
    return len(messages)


async def _finish(
    message: SmsMessage, connection: BaseDBAsyncClient, *, status: SmsStatus, code: str, detail: str
) -> None:
    await (
        SmsPart.filter(message_id=message.id, status=SmsStatus.QUEUED)
        .using_db(connection)
        .update(
            status=SmsStatus.FAILED,
            error_code="not_sent",
            error_detail="前面的分段失败或结果未知，未发送",
        )
    )
    message.error_code, message.error_detail = code[:64], detail[:255]
    await settle(message, connection, default=status)


async def settle(
    message: SmsMessage, connection: BaseDBAsyncClient, default: SmsStatus | None = None
) -> None:
    """Derive the message's status from its parts, clearing the lease once it is final."""
    parts = await repository.parts_of(message.id, connection)
    status = SmsStatus(rules.message_status(p.status.value for p in parts))
    if status not in _FINAL:
        status = default or message.status
    now = clock.utc_now()
    message.status, message.updated_at = status, now
    if status in _FINAL:
        message.lease_owner, message.lease_until = "", None
    if status in {SmsStatus.SENT, SmsStatus.DELIVERED} and message.sent_at is None:
        message.sent_at = max((p.submitted_at for p in parts if p.submitted_at), default=now)
    if status is SmsStatus.DELIVERED:
        message.delivered_at = max((p.delivered_at for p in parts if p.delivered_at), default=now)
    await message.save(using_db=connection)
