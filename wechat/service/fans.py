"""Fans: identity for members, list with filters, detail timeline, tags and blacklist."""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery

from crm_core import clock
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from wechat import repository, rules
from wechat.errors import FanNotFoundError
from wechat.models import (
    Direction,
    Fan,
    FanMessage,
    FanTag,
    InboundEvent,
    OfficialAccount,
    QrCode,
)
from wechat.schemas import FanDetailRead, FanIdentity, FanListItem, FanRead, TimelineEntry

# What the fan list may be sorted by (a leading "-" sorts newest or largest first).
FAN_SORTS = {"id", "first_subscribed_at", "subscribed_at", "last_interaction_at", "follow_count"}

EVENT_TITLES = {
    "subscribe": "关注公众号",
    "unsubscribe": "取消关注",
    "SCAN": "扫码",
    "CLICK": "点击菜单",
    "VIEW": "打开菜单链接",
    "LOCATION": "上报位置",
    "view_miniprogram": "打开小程序",
}
MESSAGE_TITLES = {
    "text": "发来文字",
    "image": "发来图片",
    "voice": "发来语音",
    "video": "发来视频",
    "shortvideo": "发来小视频",
    "location": "发来位置",
    "link": "发来链接",
}

# Members sit above the channel: they register how a member id becomes a display name
# (scrm/wiring.py), so the console can show who a linked fan is without importing them.
MemberNames = Callable[[list[int]], Awaitable[dict[int, str]]]
_member_names: list[MemberNames] = []


def set_member_names(lookup: MemberNames) -> None:
    _member_names[:] = [lookup]


async def member_names(fans: list[Fan] | list[FanRead]) -> dict[int, str]:
    """Member id → member name for the linked fans (empty names left out)."""
    ids = sorted({fan.member_id for fan in fans if fan.member_id is not None})
    if not ids or not _member_names:
        return {}
    return await _member_names[0](ids)


async def identity(fan_id: int) -> FanIdentity:
    fan = await Fan.get_or_none(id=fan_id).prefetch_related("account")
    if fan is None:
        raise FanNotFoundError()
    account: OfficialAccount = fan.account
    return FanIdentity(
        fan_id=fan.id,
        appid=account.appid,
        openid=fan.openid,
        unionid=fan.unionid,
        nickname=fan.nickname,
    )


async def link_member(fan_id: int, member_id: int) -> None:
    await Fan.filter(id=fan_id).update(member_id=member_id)


async def fan_ids_of_member(member_id: int) -> list[int]:
    return [int(str(i)) for i in await Fan.filter(member_id=member_id).values_list("id", flat=True)]


async def visible_fan_ids_of_member(principal: Principal, member_id: int) -> list[int]:
    query = (await repository.fans(principal)).filter(member_id=member_id).order_by("id")
    return [int(str(i)) for i in await query.values_list("id", flat=True)]


async def members_assigned_to(principal: Principal) -> Subquery | None:
    """The ids of members whose fans reach this viewer through the inbox assignment, as a
    subquery (None: no limit), so a service agent sees the member behind a fan they serve."""
    if principal.department_ids is None:
        return None
    assigned = await repository.assigned_fans(principal)
    return Subquery(assigned.filter(member_id__not_isnull=True).values("member_id"))


async def get_fan(principal: Principal, fan_id: int) -> Fan:
    fan = await (await repository.fans(principal)).get_or_none(id=fan_id)
    if fan is None:
        raise FanNotFoundError()
    return fan


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), clock.SHANGHAI)


async def list_fans(
    principal: Principal,
    *,
    account_id: int | None = None,
    subscribed: bool | None = None,
    store_id: int | None = None,
    guide_id: int | None = None,
    channel: str = "",
    tag: str = "",
    since: date | None = None,
    until: date | None = None,
    region: str = "",
    keyword: str = "",
    page: int = 1,
    page_size: int = 30,
    sort: str = "-id",
) -> tuple[list[FanRead], int]:
    query = await repository.fans(principal)
    pairs = (
        ("account_id", account_id),
        ("subscribed", subscribed),
        ("store_id", store_id),
        ("guide_id", guide_id),
    )
    filters: dict[str, Any] = {name: value for name, value in pairs if value is not None}
    if channel:
        filters["channel"] = channel
    if tag:
        filters["tags__name"] = tag
    if since is not None:
        filters["first_subscribed_at__gte"] = _day_start(since)
    if until is not None:
        filters["first_subscribed_at__lt"] = _day_start(until + timedelta(days=1))
    query = query.filter(**filters)
    if region:
        query = query.filter(Q(province__icontains=region) | Q(city__icontains=region))
    if keyword:
        query = query.filter(
            Q(openid__icontains=keyword)
            | Q(nickname__icontains=keyword)
            | Q(remark__icontains=keyword)
        )
    total = await query.count()
    order = (sort, "-id") if sort.lstrip("-") in FAN_SORTS else ("-id",)
    rows = await query.distinct().order_by(*order).offset((page - 1) * page_size).limit(page_size)
    return [FanRead.model_validate(r) for r in rows], total


async def list_items(rows: list[FanRead]) -> list[FanListItem]:
    """The fans with the names of their store, guide and member, as the console lists them."""
    stores, staff = await repository.names_of(
        {f.store_id for f in rows if f.store_id}, {f.guide_id for f in rows if f.guide_id}
    )
    members = await member_names(rows)
    return [
        FanListItem(
            **fan.model_dump(),
            store_name=stores.get(fan.store_id or 0, ""),
            guide_name=staff.get(fan.guide_id or 0, ""),
            member_name=members.get(fan.member_id or 0, ""),
        )
        for fan in rows
    ]


async def detail(principal: Principal, fan_id: int) -> FanDetailRead:
    """The fan page's header: names, tags and the 48-hour customer-service window."""
    fan = await get_fan(principal, fan_id)
    (item,) = await list_items([FanRead.model_validate(fan)])
    now = clock.utc_now()
    return FanDetailRead(
        **item.model_dump(),
        tags=[t.name for t in await fan.tags.all().order_by("name")],
        window_open=rules.window_open(fan.last_interaction_at, now),
        window_closes_at=rules.window_closes_at(fan.last_interaction_at),
    )


async def timeline(principal: Principal, fan_id: int) -> list[TimelineEntry]:
    fan = await get_fan(principal, fan_id)
    entries: list[TimelineEntry] = []
    events = (
        await InboundEvent.filter(account_id=fan.account_id, openid=fan.openid)
        .order_by("-id")
        .limit(200)
    )
    scenes = {e.event_key.removeprefix("qrscene_") for e in events if e.event_key}
    codes = {
        c.scene: c.name
        for c in await QrCode.filter(account_id=fan.account_id, scene__in=list(scenes))
    }
    for event in events:
        if event.msg_type == "event":
            title = EVENT_TITLES.get(event.event, event.event)
            scene = event.event_key.removeprefix("qrscene_")
            detail = f"二维码：{codes[scene]}" if scene in codes else event.event_key
        else:
            title, detail = MESSAGE_TITLES.get(event.msg_type, event.msg_type), ""
        entries.append(
            TimelineEntry(at=event.received_at, kind=event.msg_type, title=title, detail=detail)
        )
    inbound_text = {
        m.event_id: m.content
        for m in await FanMessage.filter(fan_id=fan.id, direction=Direction.IN)
    }
    entries = [
        e.model_copy(update={"detail": inbound_text.get(ev.id, e.detail)})
        for e, ev in zip(entries, events, strict=True)
    ]
    for message in await FanMessage.filter(fan_id=fan.id, direction=Direction.OUT).limit(200):
        title = "自动回复" if message.msg_type.startswith("passive") else "客服回复"
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind="out",
                title=title,
                detail=message.content or message.error_message,
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


async def refresh_profile(fan_id: int) -> str:
    """Worker: what user/info still gives (unionid, remark, tags, follow state). Since
    2021-12-27 it carries no nickname or avatar: those come from the member center's
    snsapi_userinfo sign-in (``apply_oauth_profile``), so a refresh never blanks them."""
    from wechat.service import accounts

    fan = await Fan.get_or_none(id=fan_id).prefetch_related("account")
    if fan is None:
        return "missing"
    asked_at = clock.utc_now()
    client = accounts.client_for(fan.account)
    async with client:
        info = await client.get_user_info(fan.openid)
    async with unit_of_work():
        fan = await Fan.select_for_update().get(id=fan_id)
        if not info.get("subscribe"):
            # A follow event processed after we asked is newer than this answer.
            if fan.subscribed and not (fan.subscribed_at and fan.subscribed_at > asked_at):
                fan.subscribed, fan.unsubscribed_at = False, asked_at
                await fan.save(update_fields=["subscribed", "unsubscribed_at"])
            return "unsubscribed"
        since = datetime.fromtimestamp(int(info.get("subscribe_time") or 0), UTC)
        if not fan.subscribed and not (fan.unsubscribed_at and fan.unsubscribed_at > since):
            fan.subscribed, fan.subscribed_at, fan.unsubscribed_at = True, since, None
            fan.first_subscribed_at = fan.first_subscribed_at or since
        fan.unionid = str(info.get("unionid") or fan.unionid)
        fan.remark = str(info.get("remark", fan.remark))[:30]
        fan.province = str(info.get("province") or fan.province)[:32]
        fan.city = str(info.get("city") or fan.city)[:32]
        await fan.save()
        await _sync_tags_from_wechat(fan, [int(t) for t in info.get("tagid_list") or []])
    return "refreshed"


async def _sync_tags_from_wechat(fan: Fan, wx_tag_ids: list[int]) -> None:
    """WeChat is the truth for tags it knows; a tag not yet created there stays as it is."""
    current = await fan.tags.all()
    wanted = await FanTag.filter(account_id=fan.account_id, wx_tag_id__in=wx_tag_ids)
    wanted_ids = {t.id for t in wanted}
    stale = [t for t in current if t.wx_tag_id is not None and t.id not in wanted_ids]
    if stale:
        await fan.tags.remove(*stale)
    missing = [t for t in wanted if t.id not in {c.id for c in current}]
    if missing:
        await fan.tags.add(*missing)


async def apply_oauth_profile(appid: str, openid: str, nickname: str) -> bool:
    """The nickname a fan granted through snsapi_userinfo; False when we have no such fan."""
    if not nickname:
        return False
    account = await OfficialAccount.get_or_none(appid=appid)
    if account is None:
        return False
    updated = await Fan.filter(account_id=account.id, openid=openid).update(nickname=nickname[:64])
    return bool(updated)
