"""The callback use case: verify, store the raw event once (atomic dedupe), reply at once.

Nothing here calls WeChat: the reply is computed from local rules; the stored row is the outbox
entry the relay (wechat/service/relay.py) hands to the workers.
"""

import time

from crm_core import clock
from crm_core.config import get_settings
from wechat.errors import UnknownAppError
from wechat.inbound import InboundDelivery, open_delivery_async, seal_reply, verify_echo
from wechat.messages import Event, UserMessage
from wechat.models import InboundEvent
from wechat.service import accounts, group_commit, relay
from wechat.service.replies import config_version, passive_reply


async def _account(appid: str, version: str | None = None) -> accounts.LiveAccount:
    live = await accounts.live_account(appid, version or await config_version())
    if live is None:
        raise UnknownAppError()
    return live


async def verify(appid: str, query: dict[str, str]) -> str:
    live = await _account(appid)
    window = get_settings().wechat.callback_max_age_seconds
    return verify_echo(live.callback, query, now=time.time(), window=window)


async def receive(appid: str, query: dict[str, str], body: bytes) -> str:
    settings = get_settings().wechat
    version = await config_version()
    live = await _account(appid, version)
    delivery = await open_delivery_async(
        live.callback,
        query,
        body,
        now=time.time(),
        window=settings.callback_max_age_seconds,
        max_body=settings.callback_max_body_bytes,
    )
    reply = await passive_reply(live.id, live.name, delivery.message, version)
    stored = await store_once(live.id, delivery, reply)
    # A duplicate (WeChat's retry, or the same push twice) answers what the first one answered.
    return seal_reply(live.callback, delivery, stored)


async def store_once(account_id: int, delivery: InboundDelivery, reply: str) -> str:
    """Insert the event unless its dedupe key exists; return the reply stored for that key.

    One statement (shared with the deliveries arriving meanwhile: group_commit.py), committed
    before this returns: the unique index makes concurrent duplicates wait for the first and then
    find its row, so exactly one event (and one effect) exists per delivery.
    """
    message = delivery.message
    event_id = await group_commit.writer.insert(
        {
            "account_id": account_id,
            "dedupe_key": delivery.dedupe_key,
            "openid": message.openid,
            "msg_type": message.msg_type,
            "event": message.event if isinstance(message, Event) else "",
            "event_key": (message.event_key if isinstance(message, Event) else "")[:1024],
            "msg_id": message.msg_id if isinstance(message, UserMessage) else "",
            "create_time": message.create_time,
            "xml": delivery.xml,
            "reply": reply,
            "received_at": clock.utc_now(),
        }
    )
    if event_id is not None:
        relay.wake(event_id)
        return reply
    first = await InboundEvent.get(dedupe_key=delivery.dedupe_key)
    return first.reply
