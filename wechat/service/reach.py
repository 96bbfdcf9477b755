"""Reaching one fan for the campaigns engine: what WeChat allows now, and the sends themselves.

Errors come back as the typed `WeChatAPIError`s, so the caller decides what falls through. Each
send first waits for a slot of its account's limit on that kind of call, shared by every worker
(`SCRM_SENDS__RATE_LIMITS`)."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections

from crm_core import clock, ratelimit
from crm_core.config import get_settings
from wechat import rules
from wechat.client import WeChatClient
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
    account_id: int = 0
    openid: str = ""


async def best_fan_of_member(member_id: int) -> FanReach | None:
    """The member's fan to write to: one with an open window first, then the latest follower."""
    return (await best_fans_of_members([member_id])).get(member_id)


async def best_fans_of_members(member_ids: list[int]) -> dict[int, FanReach]:
    """`best_fan_of_member` for many members in one query; members without a fan are left out."""
    now = clock.utc_now()
    # Plain SQL: a sender reads 50 members at a time, and the ORM's IN list costs more CPU
    # than the query (bench/campaigns.py).
    fans = await connections.get("default").execute_query_dict(
        "SELECT f.id, f.member_id, f.openid, f.account_id, f.subscribed, f.blacklisted,"
        " f.last_interaction_at, coalesce(f.subscribed_at, f.created_at) AS since,"
        " a.appid, a.is_active FROM wechat_fan f JOIN wechat_account a ON a.id = f.account_id"
        " WHERE f.member_id = ANY($1::int[])",
        [member_ids],
    )
    ranked = sorted(
        fans,
        key=lambda fan: (
            fan["subscribed"] and rules.window_open(fan["last_interaction_at"], now),
            fan["subscribed"] and fan["is_active"],
            fan["since"],
        ),
        reverse=True,
    )
    best: dict[int, FanReach] = {}
    for fan in ranked:
        if fan["member_id"] not in best:
            best[fan["member_id"]] = FanReach(
                fan_id=fan["id"],
                appid=fan["appid"],
                subscribed=fan["subscribed"] and fan["is_active"],
                blacklisted=fan["blacklisted"],
                window_open=fan["subscribed"]
                and rules.window_open(fan["last_interaction_at"], now),
                account_id=fan["account_id"],
                openid=fan["openid"],
            )
    return best


def _reach(fan: Fan, now: datetime) -> FanReach:
    return FanReach(
        fan_id=fan.id,
        appid=fan.account.appid,
        subscribed=fan.subscribed and fan.account.is_active,
        blacklisted=fan.blacklisted,
        window_open=fan.subscribed and rules.window_open(fan.last_interaction_at, now),
        account_id=fan.account_id,
        openid=fan.openid,
    )


class Sender:
    """Sends over one open client per account (a kept-alive connection) for a run of messages,
    to fans the caller may have read already (`know`); a fan it does not know costs one query."""

    def __init__(self) -> None:
        self._fans: dict[int, FanReach] = {}
        self._clients: dict[int, WeChatClient] = {}
        self._paces: dict[tuple[str, str], ratelimit.Pace | None] = {}

    def know(self, fans: Iterable[FanReach]) -> None:
        self._fans.update((fan.fan_id, fan) for fan in fans)

    async def _target(self, fan_id: int) -> tuple[WeChatClient, FanReach]:
        fan = self._fans.get(fan_id)
        if fan is None:
            row = await Fan.get(id=fan_id).select_related("account")
            fan = self._fans[fan_id] = _reach(row, clock.utc_now())
        client = self._clients.get(fan.account_id)
        if client is None:
            account = await OfficialAccount.get(id=fan.account_id)
            client = self._clients[fan.account_id] = accounts.client_for(account)
        return client, fan

    @asynccontextmanager
    async def _throttled(self, appid: str, kind: str) -> AsyncIterator[None]:
        """`throttled` at one Redis call per send (ratelimit.Pace)."""
        if (appid, kind) not in self._paces:
            limit = get_settings().sends.rate_limits.get(kind)
            pace = ratelimit.Pace(_limit_key(appid, kind), *limit) if limit else None
            self._paces[appid, kind] = pace
        pace = self._paces[appid, kind]
        if pace is None:
            yield
            return
        async with pace.hold():
            yield

    async def send_text(self, fan_id: int, text: str) -> None:
        client, fan = await self._target(fan_id)
        async with self._throttled(fan.appid, "customer_service"):
            await client.send_text(fan.openid, text)

    async def send_custom(self, fan_id: int, msgtype: str, body: dict[str, Any]) -> None:
        client, fan = await self._target(fan_id)
        async with self._throttled(fan.appid, "customer_service"):
            await client.send_custom_message(fan.openid, msgtype, body)

    async def send_template(
        self,
        fan_id: int,
        template_id: str,
        data: dict[str, Any],
        *,
        client_msg_id: str,
        url: str = "",
    ) -> int:
        client, fan = await self._target(fan_id)
        values = {name: {"value": value} for name, value in data.items()}
        async with self._throttled(fan.appid, "template"):
            return await client.send_template(
                fan.openid, template_id, values, url=url or None, client_msg_id=client_msg_id
            )

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        paces, self._paces = [p for p in self._paces.values() if p], {}
        for pace in paces:
            await pace.aclose()
        for client in clients:
            await client.aclose()


@asynccontextmanager
async def sender() -> AsyncIterator[Sender]:
    opened = Sender()
    try:
        yield opened
    finally:
        await opened.aclose()


@asynccontextmanager
async def throttled(appid: str, kind: str) -> AsyncIterator[None]:
    """Hold a slot of the account's limit on this kind of call (`rate_limits`) for the call made
    inside the block: it counts from the answer, so WeChat never sees more in any window."""
    limit = get_settings().sends.rate_limits.get(kind)
    if limit is None:
        yield
        return
    async with ratelimit.hold(_limit_key(appid, kind), *limit):
        yield


def _limit_key(appid: str, kind: str) -> str:
    return f"ratelimit:wechat:{appid}:{kind}"


async def send_text(fan_id: int, text: str) -> None:
    async with sender() as one:
        await one.send_text(fan_id, text)


async def send_template(
    fan_id: int, template_id: str, data: dict[str, Any], *, client_msg_id: str, url: str = ""
) -> int:
    async with sender() as one:
        return await one.send_template(
            fan_id, template_id, data, client_msg_id=client_msg_id, url=url
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
    async with sender() as one:
        await one.send_custom(fan_id, msgtype, body)


async def fan_by_openid(openid: str) -> int | None:
    fan = await Fan.filter(openid=openid).order_by("-id").only("id").first()
    return int(fan.id) if fan else None
