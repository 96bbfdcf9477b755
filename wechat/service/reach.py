"""Reaching one fan for the campaigns engine: what WeChat allows now, and the sends themselves.

Errors come back as the typed `WeChatAPIError`s, so the caller decides what falls through. Each
send first waits for a slot of its account's limit on that kind of call, shared by every worker
(`SCRM_SENDS__RATE_LIMITS`)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from crm_core import clock, ratelimit
from crm_core.config import get_settings
from wechat import rules
from wechat.errors import ClientMsgIdExistsError
from wechat.models import Fan, OfficialAccount
from wechat.service import accounts


@dataclass(frozen=True)
class FanReach:
    fan_id: int
    appid: str
    subscribed: bool
    blacklisted: bool
    window_open: bool


async def best_fan_of_member(member_id: int) -> FanReach | None:
    """The member's fan to write to: one with an open window first, then the latest follower."""
    now = clock.utc_now()
    fans = await Fan.filter(member_id=member_id).select_related("account")
    reach = [
        FanReach(
            fan_id=fan.id,
            appid=fan.account.appid,
            subscribed=fan.subscribed and fan.account.is_active,
            blacklisted=fan.blacklisted,
            window_open=fan.subscribed and rules.window_open(fan.last_interaction_at, now),
        )
        for fan in fans
    ]
    order = {fan.id: fan.subscribed_at or fan.created_at for fan in fans}
    reach.sort(key=lambda r: (r.window_open, r.subscribed, order[r.fan_id]), reverse=True)
    return reach[0] if reach else None


@asynccontextmanager
async def throttled(appid: str, kind: str) -> AsyncIterator[None]:
    """Hold a slot of the account's limit on this kind of call (`rate_limits`) for the call made
    inside the block: it counts from the answer, so WeChat never sees more in any window."""
    limit = get_settings().sends.rate_limits.get(kind)
    if limit is None:
        yield
        return
    async with ratelimit.hold(f"ratelimit:wechat:{appid}:{kind}", *limit):
        yield


async def send_text(fan_id: int, text: str) -> None:
    fan = await Fan.get(id=fan_id).select_related("account")
    client = accounts.client_for(fan.account)
    async with client, throttled(fan.account.appid, "customer_service"):
        await client.send_text(fan.openid, text)


async def send_template(
    fan_id: int, template_id: str, data: dict[str, Any], *, client_msg_id: str, url: str = ""
) -> int:
    fan = await Fan.get(id=fan_id).select_related("account")
    values = {name: {"value": value} for name, value in data.items()}
    client = accounts.client_for(fan.account)
    async with client, throttled(fan.account.appid, "template"):
        return await client.send_template(
            fan.openid, template_id, values, url=url or None, client_msg_id=client_msg_id
        )


async def send_mass(
    account_id: int,
    openids: list[str],
    msgtype: str,
    body: dict[str, Any],
    *,
    clientmsgid: str,
) -> int | None:
    """One mass send (2..10 000 fans of one account). A repeated `clientmsgid` (45065) means
    WeChat already took this batch: done, msg_id unknown."""
    account = await OfficialAccount.get(id=account_id)
    client = accounts.client_for(account)
    try:
        async with client, throttled(account.appid, "mass"):
            result = await client.send_mass_by_openids(
                openids, msgtype, body, clientmsgid=clientmsgid
            )
    except ClientMsgIdExistsError:
        return None
    return int(result["msg_id"])


async def send_mass_text(
    account_id: int, openids: list[str], text: str, *, clientmsgid: str
) -> int | None:
    return await send_mass(account_id, openids, "text", {"content": text}, clientmsgid=clientmsgid)


async def preview_mass(fan_id: int, msgtype: str, body: dict[str, Any]) -> int:
    fan = await Fan.get(id=fan_id).select_related("account")
    client = accounts.client_for(fan.account)
    async with client:
        return await client.preview_mass(fan.openid, msgtype, body)


async def send_custom(fan_id: int, msgtype: str, body: dict[str, Any]) -> None:
    fan = await Fan.get(id=fan_id).select_related("account")
    client = accounts.client_for(fan.account)
    async with client, throttled(fan.account.appid, "customer_service"):
        await client.send_custom_message(fan.openid, msgtype, body)


async def fan_by_openid(openid: str) -> int | None:
    fan = await Fan.filter(openid=openid).order_by("-id").only("id").first()
    return int(fan.id) if fan else None
