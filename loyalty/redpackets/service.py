"""Red packets: recorded with their cause, paid by a worker through WeChat Pay, never twice.

`record_locked` writes the row inside the business transaction (check-in, draw, exchange) and
enqueues the send, published after commit. `send_red_packet` runs in a worker, never in a request
or transaction: it claims the row (status `unknown` plus a lease, committed before WeChat is
called), sends with the bill number fixed at the first attempt, and records the answer. Whenever
an earlier attempt gave no definite answer (SYSTEMERROR, timeout, a crash), the bill is queried
(gethbinfo) before anything is sent again, and any resend reuses the same mch_billno, which
WeChat pays at most once.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crm_core import audit, clock, jobs
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.errors import ConflictError, NotFoundError
from crm_core.permissions import Principal
from loyalty.lottery.models import Award, AwardStatus
from loyalty.mall.models import ExchangeStatus, MallOrder
from loyalty.redpackets import rules
from loyalty.redpackets.models import RedPacket, RedPacketSource, RedPacketStatus
from loyalty.redpackets.schemas import RedPacketRead
from members import service as members_service
from wechat.errors import MerchantNotConfiguredError, PayBillNotFoundError, WeChatPayError
from wechat.service import pay

SEND_TASK = "loyalty.send_red_packet"
LEASE = timedelta(minutes=2)
# Sends per task run: the first, and one more after a query found nothing.
MAX_SENDS = 2
REMARK = "感谢您的支持"


class RedPacketNotFoundError(NotFoundError):
    code = "red_packet_not_found"
    message = "红包记录不存在"


class RedPacketStateError(ConflictError):
    code = "red_packet_wrong_state"
    message = "该红包已发放成功，无需重试"


@dataclass(frozen=True)
class _Claim:
    id: int
    merchant_id: int
    mch_billno: str
    openid: str
    amount_fen: int
    act_name: str
    wishing: str
    must_query: bool


async def record_locked(
    member_id: int,
    source: RedPacketSource,
    source_id: int,
    *,
    amount_fen: int,
    day: date,
    act_name: str,
    wishing: str,
) -> RedPacket:
    """Inside the caller's transaction; the send job is published when it commits."""
    packet = await RedPacket.create(
        member_id=member_id,
        source=source,
        source_id=source_id,
        day=day,
        amount_fen=amount_fen,
        act_name=act_name[:32],
        wishing=wishing[:128],
        created_at=clock.utc_now(),
    )
    jobs.enqueue(SEND_TASK, red_packet_id=packet.id)
    return packet


async def _fail_now(packet: RedPacket, err_code: str, message: str) -> None:
    await RedPacket.filter(id=packet.id).update(
        status=RedPacketStatus.FAILED,
        err_code=err_code,
        err_message=message,
        lease_until=None,
        updated_at=clock.utc_now(),
    )


async def _claim(red_packet_id: int, *, retry_failed: bool) -> _Claim | None:
    """Who sends now, decided under the row lock; None when there is nothing to do."""
    async with unit_of_work():
        packet = await RedPacket.select_for_update().get_or_none(id=red_packet_id)
        if packet is None:
            raise RedPacketNotFoundError()
        now = clock.utc_now()
        if packet.status == RedPacketStatus.SENT or (
            packet.status == RedPacketStatus.FAILED and not retry_failed
        ):
            return None
        if packet.lease_until is not None and packet.lease_until > now:
            return None  # another worker is sending it right now
        if packet.mch_billno is None:
            target = await pay.active_target()
            if target is None:
                await _fail_now(packet, "no_merchant", MerchantNotConfiguredError.message)
                return None
            openid = await members_service.openid_for(packet.member_id, target.appid)
            if not openid:
                await _fail_now(packet, "no_openid", "会员未关注发放红包的公众号（没有 openid）")
                return None
            packet.merchant_id, packet.openid = target.merchant_id, openid
            packet.mch_billno = rules.mch_billno(
                target.mch_id, packet.source, packet.source_id, packet.day
            )
        must_query = packet.status == RedPacketStatus.UNKNOWN
        await RedPacket.filter(id=packet.id).update(
            status=RedPacketStatus.UNKNOWN,
            mch_billno=packet.mch_billno,
            merchant_id=packet.merchant_id,
            openid=packet.openid,
            attempts=packet.attempts + 1,
            lease_until=now + LEASE,
            updated_at=now,
        )
    assert packet.merchant_id is not None
    assert packet.mch_billno is not None
    return _Claim(
        packet.id,
        packet.merchant_id,
        packet.mch_billno,
        packet.openid,
        packet.amount_fen,
        packet.act_name,
        packet.wishing,
        must_query,
    )


async def _finish(claim: _Claim, status: RedPacketStatus, **values: Any) -> None:
    now = clock.utc_now()
    async with unit_of_work():
        packet = await RedPacket.select_for_update().get(id=claim.id)
        if packet.status == RedPacketStatus.SENT:
            return  # a concurrent run already recorded the payment
        if status == RedPacketStatus.SENT:
            values["sent_at"] = now
            values.setdefault("err_code", "")
            values.setdefault("err_message", "")
            await _settle_cause(packet)
        await RedPacket.filter(id=claim.id).update(
            status=status, lease_until=None, updated_at=now, **values
        )


async def _settle_cause(packet: RedPacket) -> None:
    """The prize or exchange that was waiting for this payout is now fulfilled."""
    now = clock.utc_now()
    if packet.source == RedPacketSource.LOTTERY:
        await Award.filter(id=packet.source_id, status=AwardStatus.PENDING_PAYOUT).update(
            status=AwardStatus.GRANTED, updated_at=now
        )
    elif packet.source == RedPacketSource.MALL:
        await MallOrder.filter(id=packet.source_id, status=ExchangeStatus.PENDING_PAYOUT).update(
            status=ExchangeStatus.COMPLETED, updated_at=now
        )


def _error_values(error: WeChatPayError) -> dict[str, Any]:
    return {"err_code": error.err_code_received[:32], "err_message": error.detail[:255]}


async def _query(claim: _Claim) -> str | None:
    """WeChat's status of the bill; None when WeChat never accepted it (safe to send)."""
    try:
        info = await pay.query_redpack(claim.merchant_id, claim.mch_billno)
    except PayBillNotFoundError:
        return None
    return info.get("status", "SENT")


async def send_red_packet(red_packet_id: int, *, retry_failed: bool = False) -> RedPacketRead:
    claim = await _claim(red_packet_id, retry_failed=retry_failed)
    if claim is None:
        return await get_red_packet(red_packet_id)
    must_query = claim.must_query
    try:
        for _ in range(MAX_SENDS):
            if must_query:
                wechat_status = await _query(claim)
                if wechat_status is not None:
                    await _finish(
                        claim, rules.status_for_query(wechat_status), wechat_status=wechat_status
                    )
                    break
            try:
                result = await pay.send_redpack(
                    claim.merchant_id,
                    mch_billno=claim.mch_billno,
                    openid=claim.openid,
                    amount_fen=claim.amount_fen,
                    wishing=claim.wishing,
                    act_name=claim.act_name,
                    remark=REMARK,
                )
            except WeChatPayError as error:
                if not error.uncertain:
                    await _finish(claim, RedPacketStatus.FAILED, **_error_values(error))
                    break
                must_query = True
                continue
            await _finish(
                claim,
                RedPacketStatus.SENT,
                wechat_status="SENT",
                send_listid=result.get("send_listid", "")[:64],
            )
            break
        else:
            await _finish(
                claim,
                RedPacketStatus.UNKNOWN,
                err_code="retry_later",
                err_message="微信未给出明确结果，稍后将先查询再决定是否重发",
            )
    except WeChatPayError as error:
        # The query itself had no definite answer: stay unknown, the sweeper asks again.
        await _finish(claim, RedPacketStatus.UNKNOWN, **_error_values(error))
    except MerchantNotConfiguredError as error:
        await _finish(
            claim, RedPacketStatus.UNKNOWN, err_code="no_merchant", err_message=error.detail
        )
    return await get_red_packet(red_packet_id)


async def get_red_packet(red_packet_id: int) -> RedPacketRead:
    packet = await RedPacket.get_or_none(id=red_packet_id)
    if packet is None:
        raise RedPacketNotFoundError()
    return RedPacketRead.model_validate(packet)


async def list_red_packets(
    status: RedPacketStatus | None = None, limit: int = 200
) -> list[RedPacketRead]:
    query = RedPacket.filter(status=status) if status is not None else RedPacket.all()
    return [RedPacketRead.model_validate(p) for p in await query.order_by("-id").limit(limit)]


async def retry_red_packet(principal: Principal, red_packet_id: int) -> RedPacketRead:
    """Staff: query-then-resend an unknown packet, or resend a failed one (same bill number)."""
    async with unit_of_work():
        packet = await RedPacket.select_for_update().get_or_none(id=red_packet_id)
        if packet is None:
            raise RedPacketNotFoundError()
        if packet.status == RedPacketStatus.SENT:
            raise RedPacketStateError()
        await audit.record(
            actor_of(principal),
            "loyalty.red_packet_retry",
            target_type="red_packet",
            target_id=packet.id,
            before={"status": packet.status.value, "err_code": packet.err_code},
        )
        jobs.enqueue(SEND_TASK, red_packet_id=packet.id, retry_failed=True)
    return RedPacketRead.model_validate(packet)


async def resume_red_packets(limit: int = 100) -> int:
    """Beat safety net: pending packets whose job was lost, unknown ones whose lease ran out."""
    now = clock.utc_now()
    stale = (
        await RedPacket.filter(
            status__in=(RedPacketStatus.PENDING, RedPacketStatus.UNKNOWN),
            created_at__lt=now - LEASE,
        )
        .order_by("id")
        .limit(limit)
    )
    for packet in stale:
        jobs.enqueue(SEND_TASK, red_packet_id=packet.id)
    return len(stale)
