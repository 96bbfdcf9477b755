"""The worker half of the callback: route a stored event to its effect, exactly once.

The event row is locked and marked processed in the same transaction as the effect, so a
redelivered Celery task (at-least-once) or a concurrent duplicate finds it done.
"""

import re
from datetime import UTC, datetime

from crm_core import clock, jobs
from crm_core.db import unit_of_work
from wechat import rules
from wechat.messages import (
    ClickEvent,
    Event,
    InboundMessage,
    MassSendJobFinishEvent,
    ScanEvent,
    SubscribeEvent,
    TemplateSendJobFinishEvent,
    TextMessage,
    UnsubscribeEvent,
    UserMessage,
    parse_message,
)
from wechat.models import Direction, Fan, FanMessage, InboundEvent, MessageStatus, QrCode
from wechat.repository import bump_qr_stat, fan_for_update
from wechat.xml import parse_xml

MSG_ID = re.compile(r"[0-9]{1,18}")


async def process_event(event_id: int) -> str:
    async with unit_of_work():
        event = await InboundEvent.select_for_update().get_or_none(id=event_id)
        if event is None:
            return "missing"
        if event.processed_at is not None:
            return "duplicate"
        message = parse_message(parse_xml(event.xml))
        outcome = await _route(event, message)
        if event.reply:
            fan = await Fan.get_or_none(account_id=event.account_id, openid=event.openid)
            if fan is not None:
                await _passive_out(fan, event)
        event.processed_at = clock.utc_now()
        await event.save(update_fields=["processed_at"])
    return outcome


async def _route(event: InboundEvent, message: InboundMessage) -> str:
    if isinstance(message, SubscribeEvent | ScanEvent):
        return await _followed(event, message)
    if isinstance(message, UnsubscribeEvent):
        return await _unfollowed(event)
    if isinstance(message, UserMessage):
        return await _user_message(event, message)
    if isinstance(message, ClickEvent) and message.event_key == rules.MENU_SERVICE:
        return await _service_requested(event, message)
    if isinstance(message, TemplateSendJobFinishEvent | MassSendJobFinishEvent):
        return _job_finished(message)
    return f"stored:{message.event if isinstance(message, Event) else message.msg_type}"


def _sent_at(message: InboundMessage) -> datetime:
    return (
        datetime.fromtimestamp(message.create_time, UTC) if message.create_time else clock.utc_now()
    )


async def _followed(event: InboundEvent, message: SubscribeEvent | ScanEvent) -> str:
    now = clock.utc_now()
    day = clock.to_local(now).date()
    fan = await fan_for_update(event.account_id, message.openid)
    code = None
    if message.scene:
        code = await QrCode.get_or_none(account_id=event.account_id, scene=message.scene)
    is_subscribe = isinstance(message, SubscribeEvent)
    new_fan = fan.first_subscribed_at is None
    if is_subscribe or not fan.subscribed:
        fan.follow_count += 1
        fan.subscribed, fan.subscribed_at, fan.unsubscribed_at = True, now, None
        fan.first_subscribed_at = fan.first_subscribed_at or now
    if code is not None:
        if fan.first_qrcode_id is None:
            fan.first_qrcode_id = code.id
            fan.store_id, fan.guide_id, fan.channel = code.store_id, code.guide_id, code.channel
        fan.last_qrcode_id = code.id
        follows = {"new_follows": 1} if new_fan else {"re_follows": 1}
        await bump_qr_stat(code.id, day, scans=1, **(follows if is_subscribe else {}))
    await fan.save()
    kind = ("follow" if new_fan else "refollow") if is_subscribe else "scan"
    jobs.enqueue(
        "members.on_fan_subscribed",
        fan_id=fan.id,
        event_id=event.id,
        kind=kind,
        qrcode_id=code.id if code else None,
        store_id=code.store_id if code else None,
        guide_id=code.guide_id if code else None,
        channel=code.channel if code else "",
    )
    if new_fan:
        jobs.enqueue("wechat.refresh_fan_profile", fan_id=fan.id)
    return kind


def _job_finished(message: TemplateSendJobFinishEvent | MassSendJobFinishEvent) -> str:
    """Delivery reports belong to whoever sent: campaigns is told, after this commits."""
    # WeChat's ids are numbers; anything else (or past bigint) could never match a send.
    if not MSG_ID.fullmatch(message.msg_id):
        return f"stored:{message.event}"
    msg_id = int(message.msg_id)
    if isinstance(message, TemplateSendJobFinishEvent):
        jobs.enqueue("campaigns.on_template_finished", msg_id=msg_id, status=message.status)
        return "template_finished"
    jobs.enqueue(
        "campaigns.on_mass_finished",
        msg_id=msg_id,
        status=message.status,
        total=message.total_count,
        filtered=message.filter_count,
        sent=message.sent_count,
        errors=message.error_count,
    )
    return "mass_finished"


async def _unfollowed(event: InboundEvent) -> str:
    fan = await fan_for_update(event.account_id, event.openid)
    if fan.subscribed and fan.last_qrcode_id is not None:
        await bump_qr_stat(fan.last_qrcode_id, clock.to_local(clock.utc_now()).date(), unfollows=1)
    fan.subscribed, fan.unsubscribed_at = False, clock.utc_now()
    await fan.save(update_fields=["subscribed", "unsubscribed_at"])
    return "unfollow"


async def _user_message(event: InboundEvent, message: UserMessage) -> str:
    content = message.content if isinstance(message, TextMessage) else ""
    await _conversation_in(event, message, message.msg_type, content)
    return f"message:{message.msg_type}"


async def _service_requested(event: InboundEvent, message: ClickEvent) -> str:
    """联系客服: the tap joins the inbox as the fan's message, waiting for an agent's reply."""
    await _conversation_in(event, message, "event", rules.SERVICE_REQUEST)
    return "service_requested"


async def _conversation_in(
    event: InboundEvent, message: InboundMessage, msg_type: str, content: str
) -> None:
    fan = await fan_for_update(event.account_id, message.openid)
    sent_at = _sent_at(message)
    # A message or a menu tap opens the 48-hour customer-service window (wechat.md §2.4).
    fan.last_interaction_at = max(filter(None, [fan.last_interaction_at, sent_at]))
    fan.last_message_at = fan.last_interaction_at
    if not fan.subscribed and fan.first_subscribed_at is None:
        fan.subscribed = True  # only followers can write; we missed the subscribe
    await fan.save()
    await FanMessage.create(
        fan=fan,
        direction=Direction.IN,
        msg_type=msg_type,
        content=content,
        payload=_payload(message.raw),
        event_id=event.id,
        status=MessageStatus.RECEIVED,
        created_at=sent_at,
    )


def _payload(raw: dict[str, object]) -> dict[str, object]:
    skip = {"ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content"}
    return {k: v for k, v in raw.items() if k not in skip and isinstance(v, str)}


async def _passive_out(fan: Fan, event: InboundEvent) -> None:
    reply = parse_xml(event.reply)
    content = str(reply.get("Content") or "")
    if not content and isinstance(reply.get("Articles"), dict):
        item = reply["Articles"].get("item") or {}
        content = str(item.get("Title", "")) if isinstance(item, dict) else ""
    await FanMessage.create(
        fan=fan,
        direction=Direction.OUT,
        msg_type=f"passive_{reply.get('MsgType', 'text')}",
        content=content,
        status=MessageStatus.SENT,
        created_at=clock.utc_now(),
    )
