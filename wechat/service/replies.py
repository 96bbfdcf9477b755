"""The passive reply a delivery gets at once: welcome by QR scene, keyword, default.

Rules are read from PostgreSQL once per process and re-read when the Redis config version
changes; the version itself is held for a second, so a busy callback rarely asks Redis.
"""

import secrets
import time

from crm_core.cache import local_cache
from crm_core.redis import get_redis
from wechat import rules
from wechat.messages import ClickEvent, InboundMessage, ScanEvent, SubscribeEvent, TextMessage
from wechat.models import AutoReply, Fan, QrCode
from wechat.replies import Article, image_reply, news_reply, text_reply
from wechat.repository import last_location_label, names_of, open_stores
from wechat.rules import ReplyRule

VERSION_KEY = "wechat:config:version"
VERSION_TTL_SECONDS = 1.0
_version = local_cache()
_refreshing: set[str] = set()
_rules: dict[int, tuple[str, list[ReplyRule]]] = {}


async def config_version() -> str:
    # Held for a second per process: a Redis round trip per callback cost more than the
    # INSERT. Other processes see a change within VERSION_TTL_SECONDS; this one at once.
    held = _version.get(VERSION_KEY)
    if held is not None and (held[1] > time.monotonic() or _refreshing):
        # While one request refreshes an expired version, the others keep the held one for
        # that round trip instead of all asking Redis at once.
        return str(held[0])
    _refreshing.add(VERSION_KEY)
    try:
        redis = get_redis()
        version = await redis.get(VERSION_KEY)
        if version is None:
            # A flushed Redis gets a fresh random version, so no process trusts an old cache.
            await redis.set(VERSION_KEY, secrets.token_hex(6), nx=True)
            version = await redis.get(VERSION_KEY)
    finally:
        _refreshing.discard(VERSION_KEY)
    _version[VERSION_KEY] = (str(version), time.monotonic() + VERSION_TTL_SECONDS)
    return str(version)


async def bump_config_version() -> None:
    await get_redis().set(VERSION_KEY, secrets.token_hex(6))
    _version.clear()


async def rules_for(account_id: int, version: str) -> list[ReplyRule]:
    cached = _rules.get(account_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = await AutoReply.filter(account_id=account_id, is_active=True).order_by("id")
    loaded = [
        ReplyRule(
            r.id,
            r.kind.value,
            r.match_mode.value,
            r.keyword,
            r.priority,
            r.reply_type.value,
            r.content,
            r.media_id,
            r.title,
            r.url,
            r.picurl,
        )
        for r in rows
    ]
    _rules[account_id] = (version, loaded)
    return loaded


def build(rule: ReplyRule, message: InboundMessage, values: dict[str, str]) -> str:
    openid, account, now = message.openid, message.to_user, int(time.time())
    if rule.reply_type == "image" and rule.media_id:
        return image_reply(openid=openid, account=account, create_time=now, media_id=rule.media_id)
    if rule.reply_type == "news":
        return news_reply(
            openid=openid,
            account=account,
            create_time=now,
            article=Article(
                title=rules.render(rule.title, values),
                description=rules.render(rule.content, values),
                url=rule.url,
                picurl=rule.picurl,
            ),
        )
    content = rules.render(rule.content, values)
    if not content:
        return ""
    return text_reply(openid=openid, account=account, create_time=now, content=content)


async def placeholder_values(
    account_name: str, store_id: int | None, guide_id: int | None, channel: str = ""
) -> dict[str, str]:
    stores, staff = await names_of({store_id} - {None}, {guide_id} - {None})  # type: ignore[arg-type]
    return {
        "account": account_name,
        "store": stores.get(store_id or 0, ""),
        "guide": staff.get(guide_id or 0, ""),
        "channel": channel,
    }


async def passive_reply(
    account_id: int, account_name: str, message: InboundMessage, version: str
) -> str:
    if isinstance(message, SubscribeEvent | ScanEvent):
        return await _welcome(account_id, account_name, message, version)
    if isinstance(message, TextMessage):
        rule = rules.choose_text_reply(await rules_for(account_id, version), message.content)
        if rule is None:
            return ""
        values = {"account": account_name}
        if "{" in rule.content + rule.title:
            fan = await Fan.get_or_none(account_id=account_id, openid=message.openid)
            if fan is not None:
                values = await placeholder_values(
                    account_name, fan.store_id, fan.guide_id, fan.channel
                )
        return build(rule, message, values)
    if isinstance(message, ClickEvent):
        return await _menu_click(account_id, message)
    return ""


async def _menu_click(account_id: int, message: ClickEvent) -> str:
    if message.event_key == rules.MENU_STORES:
        label = await last_location_label(account_id, message.openid)
        content = rules.stores_text(await open_stores(), label)
    elif message.event_key == rules.MENU_SERVICE:
        content = rules.SERVICE_REPLY
    else:
        return ""
    return text_reply(
        openid=message.openid,
        account=message.to_user,
        create_time=int(time.time()),
        content=content,
    )


async def _welcome(
    account_id: int, account_name: str, message: SubscribeEvent | ScanEvent, version: str
) -> str:
    code = None
    if message.scene:
        code = await QrCode.get_or_none(account_id=account_id, scene=message.scene)
    values = {"account": account_name}
    if code is not None:
        values = await placeholder_values(account_name, code.store_id, code.guide_id, code.channel)
        if code.welcome_text:
            rule = ReplyRule(0, "follow", "exact", "", 0, "text", code.welcome_text)
            return build(rule, message, values)
    if isinstance(message, ScanEvent):
        return ""  # an existing follower scanning again gets no second welcome
    follow = rules.choose_follow_reply(await rules_for(account_id, version))
    return "" if follow is None else build(follow, message, values)
