"""WeChat channel tasks: each one service call, idempotent, carrying ids."""

from crm_core.celery import task
from wechat.errors import SystemBusyError, WeChatUnavailableError
from wechat.service import fans, inbox, menus, processing, qrcodes, relay, tags

TRANSIENT = {
    "autoretry_for": (WeChatUnavailableError, SystemBusyError),
    "max_retries": 5,
    "retry_backoff": True,
}


@task("wechat.process_event")
async def process_event(event_id: int) -> str:
    return await processing.process_event(event_id)


@task("wechat.process_events")
async def process_events(event_ids: list[int]) -> list[str]:
    """A relay batch, in arrival order (an unfollow then a re-follow must stay in order)."""
    return [await processing.process_event(event_id) for event_id in event_ids]


@task("wechat.dispatch_pending")
async def dispatch_pending() -> int:
    return await relay.dispatch_pending()


@task("wechat.refresh_fan_profile", **TRANSIENT)
async def refresh_fan_profile(fan_id: int) -> str:
    return await fans.refresh_profile(fan_id)


@task("wechat.issue_qrcode", **TRANSIENT)
async def issue_qrcode(qrcode_id: int) -> str:
    return await qrcodes.issue_qrcode(qrcode_id)


@task("wechat.send_reply", **TRANSIENT)
async def send_reply(message_id: int) -> str:
    return await inbox.send_reply(message_id)


@task("wechat.sync_tag", **TRANSIENT)
async def sync_tag(tag_id: int, fan_id: int, add: bool) -> str:
    return await tags.sync_tag(tag_id, fan_id, add)


@task("wechat.sync_blacklist", **TRANSIENT)
async def sync_blacklist(fan_id: int) -> str:
    return await tags.sync_blacklist(fan_id)


@task("wechat.publish_menu", **TRANSIENT)
async def publish_menu(menu_id: int) -> str:
    return await menus.publish_menu(menu_id)
