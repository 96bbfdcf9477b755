"""Reaching one fan for the campaigns engine: what WeChat allows now, and the sends themselves.

Errors come back as the typed `WeChatAPIError`s, so the caller decides what falls through."""

from dataclasses import dataclass
from typing import Any

from crm_core import clock
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


async def send_text(fan_id: int, text: str) -> None:
    fan = await Fan.get(id=fan_id).select_related("account")
    client = accounts.client_for(fan.account)
    async with client:
        await client.send_text(fan.openid, text)


async def send_template(
    fan_id: int, template_id: str, data: dict[str, Any], *, client_msg_id: str, url: str = ""
) -> int:
    fan = await Fan.get(id=fan_id).select_related("account")
    values = {name: {"value": value} for name, value in data.items()}
    client = accounts.client_for(fan.account)
    async with client:
        return await client.send_template(
            fan.openid, template_id, values, url=url or None, client_msg_id=client_msg_id
        )


async def send_mass_text(
    account_id: int, openids: list[str], text: str, *, clientmsgid: str
) -> int | None:
    """One mass send (2..10 000 fans of one account). A repeated `clientmsgid` (45065) means
    WeChat already took this batch: done, msg_id unknown."""
    account = await OfficialAccount.get(id=account_id)
    client = accounts.client_for(account)
    try:
        async with client:
            result = await client.send_mass_by_openids(
                openids, "text", {"content": text}, clientmsgid=clientmsgid
            )
    except ClientMsgIdExistsError:
        return None
    return int(result["msg_id"])


async def preview_mass_text(fan_id: int, text: str) -> int:
    fan = await Fan.get(id=fan_id).select_related("account")
    client = accounts.client_for(fan.account)
    async with client:
        return await client.preview_mass(fan.openid, "text", {"content": text})


async def fan_by_openid(openid: str) -> int | None:
    fan = await Fan.filter(openid=openid).order_by("-id").only("id").first()
    return int(fan.id) if fan else None
