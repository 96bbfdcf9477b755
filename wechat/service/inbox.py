"""Inbox (消息列表): conversations, the 48-hour window, customer-service replies, assignment.

A reply is stored as pending and sent by a worker; WeChat's refusal (45015, 45047, 43019 …)
comes back as a Chinese explanation on the message, never as a bare code.
"""

from datetime import datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core import audit, clock, jobs
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org.errors import StaffNotFoundError
from crm_core.org.schemas import Page
from crm_core.org.scope import staff_in_scope
from crm_core.permissions import Principal
from wechat import rules
from wechat.errors import (
    ReplyQuotaUsedError,
    ResponseCountExceededError,
    ResponseWindowClosedError,
    WeChatAPIError,
    WindowClosedError,
)
from wechat.models import Direction, Fan, FanMessage, MessageStatus
from wechat.schemas import ConversationRead, MessageRead
from wechat.service import accounts
from wechat.service.fans import get_fan, member_names

EXPLAINED = {
    ResponseWindowClosedError: WindowClosedError,
    ResponseCountExceededError: ReplyQuotaUsedError,
}


def explain(error: WeChatAPIError) -> str:
    """The console's sentence for a WeChat refusal."""
    for raised, explained in EXPLAINED.items():
        if isinstance(error, raised):
            return explained.message
    return error.message


async def _conversation_query(principal: Principal, *, mine: bool, q: str = "") -> QuerySet[Fan]:
    from wechat import repository

    query = (await repository.fans(principal)).filter(last_message_at__not_isnull=True)
    if mine:
        query = query.filter(assigned_staff_id=principal.staff_id)
    if q:
        query = query.filter(
            Q(openid__icontains=q) | Q(nickname__icontains=q) | Q(remark__icontains=q)
        )
    return query


async def conversations(principal: Principal, *, mine: bool = False, limit: int = 50) -> list[Fan]:
    query = await _conversation_query(principal, mine=mine)
    return await query.order_by("-last_message_at").limit(limit)


async def conversation_page(
    principal: Principal,
    *,
    mine: bool = False,
    q: str = "",
    page: int = 1,
    page_size: int = 50,
) -> Page[ConversationRead]:
    """The inbox as a list: each fan's latest message, unread count, window and assignee."""
    from wechat import repository

    query = await _conversation_query(principal, mine=mine, q=q)
    total = await query.count()
    fans = (
        await query.order_by("-last_message_at", "-id")
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    ids = [fan.id for fan in fans]
    unread_counts = await repository.unread_counts(ids) if ids else {}
    latest = await repository.latest_messages(ids) if ids else {}
    waiting_ids = await waiting(fans)
    names = await member_names(fans)
    items = []
    for fan in fans:
        is_open, closes_at = window(fan)
        last = latest.get(fan.id)
        items.append(
            ConversationRead(
                fan_id=fan.id,
                account_id=fan.account_id,
                openid=fan.openid,
                nickname=fan.nickname,
                remark=fan.remark,
                subscribed=fan.subscribed,
                member_id=fan.member_id,
                member_name=names.get(fan.member_id or 0, ""),
                assigned_staff_id=fan.assigned_staff_id,
                last_message_at=fan.last_message_at,
                last_message=MessageRead.model_validate(last) if last else None,
                unread_count=unread_counts.get(fan.id, 0),
                waiting=fan.id in waiting_ids,
                window_open=is_open,
                window_closes_at=closes_at,
            )
        )
    return Page(items=items, total=total, page=page, page_size=page_size)


async def mark_read(principal: Principal, fan_id: int) -> None:
    from wechat import repository

    fan = await get_fan(principal, fan_id)
    await repository.mark_read(fan.id)


async def waiting(fans: list[Fan]) -> set[int]:
    """Ids of the conversations an agent has not answered since the fan's last message."""
    from wechat import repository

    return await repository.staff_reply_waiting([fan.id for fan in fans]) if fans else set()


async def messages(principal: Principal, fan_id: int) -> list[MessageRead]:
    fan = await get_fan(principal, fan_id)
    rows = await FanMessage.filter(fan_id=fan.id).order_by("-id").limit(100)
    return [MessageRead.model_validate(m) for m in reversed(rows)]


def window(fan: Fan, now: datetime | None = None) -> tuple[bool, datetime | None]:
    return (
        rules.window_open(fan.last_interaction_at, now or clock.utc_now()),
        rules.window_closes_at(fan.last_interaction_at),
    )


async def reply(principal: Principal, fan_id: int, content: str) -> MessageRead:
    fan = await get_fan(principal, fan_id)
    if not fan.subscribed or not window(fan)[0]:
        raise WindowClosedError()
    async with unit_of_work():
        message = await notify(fan.id, content, staff_id=principal.staff_id)
        await audit.record(
            actor_of(principal),
            "wechat.fan_reply",
            target_type="fan",
            target_id=fan.id,
            after={"message_id": message.id, "length": len(content)},
        )
    return message


async def notify(fan_id: int, content: str, *, staff_id: int | None = None) -> MessageRead:
    """Queue a customer-service message for a worker to send: an agent's reply, or the brand's
    own notice (no staff)."""
    message = await FanMessage.create(
        fan_id=fan_id,
        direction=Direction.OUT,
        msg_type="text",
        content=content,
        staff_id=staff_id,
        status=MessageStatus.PENDING,
        created_at=clock.utc_now(),
    )
    jobs.enqueue("wechat.send_reply", message_id=message.id)
    return MessageRead.model_validate(message)


async def send_reply(message_id: int) -> str:
    """Worker: one customer-service send per pending message (never resent once decided)."""
    message = await FanMessage.get_or_none(id=message_id).prefetch_related("fan__account")
    if message is None or message.status != MessageStatus.PENDING:
        return "skipped"
    client = accounts.client_for(message.fan.account)
    try:
        async with client:
            await client.send_text(message.fan.openid, message.content)
    except WeChatAPIError as error:
        if error.retryable:
            raise
        message.status, message.error_code = MessageStatus.FAILED, error.code
        message.error_message = explain(error)[:255]
        await message.save(update_fields=["status", "error_code", "error_message"])
        return "failed"
    message.status = MessageStatus.SENT
    await message.save(update_fields=["status"])
    return "sent"


async def assign(principal: Principal, fan_id: int, staff_id: int | None) -> None:
    fan = await get_fan(principal, fan_id)
    # The fan goes to a colleague the assigner may see: one outside the scope is a 404.
    if (
        staff_id is not None
        and not await staff_in_scope(principal).filter(id=staff_id, is_active=True).exists()
    ):
        raise StaffNotFoundError("员工不存在或已停用")
    before = fan.assigned_staff_id
    async with unit_of_work():
        fan.assigned_staff_id = staff_id
        await fan.save(update_fields=["assigned_staff_id"])
        await audit.record(
            actor_of(principal),
            "wechat.fan_assign",
            target_type="fan",
            target_id=fan.id,
            before={"assigned_staff_id": before},
            after={"assigned_staff_id": staff_id},
        )
