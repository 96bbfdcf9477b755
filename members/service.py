"""Member use cases: create or link a member for a fan, attribute the touch, list members."""

import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from crm_core import clock, jobs
from crm_core.db import advisory_lock, unit_of_work
from crm_core.errors import NotFoundError
from crm_core.org.models import Store
from crm_core.org.scope import rows_filter
from crm_core.permissions import Principal
from members import rules
from members.models import Member, MemberIdentity, MemberTouch
from members.schemas import MemberRead
from wechat.service import fans as wechat_fans

_LOCK_BASE = 7_400_000_000


class MemberNotFoundError(NotFoundError):
    code = "member_not_found"
    message = "会员不存在"


async def _member_for(appid: str, openid: str, unionid: str) -> Member:
    by_openid = await MemberIdentity.get_or_none(kind="openid", appid=appid, value=openid)
    by_unionid = (
        await MemberIdentity.get_or_none(kind="unionid", appid="", value=unionid)
        if unionid
        else None
    )
    if (
        by_openid is not None
        and by_unionid is not None
        and by_openid.member_id != by_unionid.member_id
    ):
        # Two members turn out to be one person (the unionid arrived after both existed).
        return await _unify(by_openid.member_id, by_unionid.member_id)
    found = by_openid or by_unionid
    now = clock.utc_now()
    member = await found.member if found is not None else await Member.create(created_at=now)
    await MemberIdentity.get_or_create(
        kind="openid", appid=appid, value=openid, defaults={"member": member, "created_at": now}
    )
    if unionid:
        await MemberIdentity.get_or_create(
            kind="unionid", appid="", value=unionid, defaults={"member": member, "created_at": now}
        )
    return member


async def _unify(first_id: int, second_id: int) -> Member:
    """Keep the member holding a card (else the older one) and merge the other into it."""
    from members.merge import merge

    pair = await Member.filter(id__in=[first_id, second_id]).order_by("id")
    carded = [m for m in pair if m.card_no]
    keep = carded[0] if len(carded) == 1 else pair[0]
    fold = next(m for m in pair if m.id != keep.id)
    await merge(keep.id, fold.id, reason="同一微信 unionid 自动合并")
    return await Member.get(id=keep.id)


async def on_fan_subscribed(
    *,
    fan_id: int,
    event_id: int,
    kind: str,
    qrcode_id: int | None,
    store_id: int | None,
    guide_id: int | None,
    channel: str,
) -> int:
    """Idempotent on event_id: a redelivered task finds the touch and changes nothing."""
    fan = await wechat_fans.identity(fan_id)
    async with unit_of_work():
        # One fan at a time: two concurrent first follows must not create two members.
        await advisory_lock(_LOCK_BASE + zlib.crc32(f"{fan.appid}:{fan.openid}".encode()))
        existing = await MemberTouch.get_or_none(event_id=event_id)
        if existing is not None:
            return existing.member_id
        member = await _member_for(fan.appid, fan.openid, fan.unionid)
        touch = rules.Touch(store_id, guide_id, channel, clock.utc_now())
        changes = rules.attribution_changes(
            has_first_touch=member.first_touch_at is not None, touch=touch
        )
        if changes:
            member.update_from_dict(changes)
        if not member.name and fan.nickname:
            member.name = fan.nickname
        await member.save()
        await MemberTouch.create(
            member=member,
            event_id=event_id,
            kind=kind,
            store_id=store_id,
            guide_id=guide_id,
            channel=channel,
            qrcode_id=qrcode_id,
            at=touch.at,
        )
        await wechat_fans.link_member(fan_id, member.id)
        if kind in {"follow", "refollow"}:
            # Loyalty grants the gift of this code or channel once per person ever.
            jobs.enqueue(
                "loyalty.grant_follow_gift",
                member_id=member.id,
                qrcode_id=qrcode_id,
                channel=channel,
                fan_id=fan_id,
            )
            jobs.enqueue(
                "campaigns.on_member_followed",
                member_id=member.id,
                event_id=event_id,
                qrcode_id=qrcode_id,
            )
    return member.id


async def scope_filter(principal: Principal) -> Q:
    """Members whose first touch is a store or guide in scope (`crm_core/org/scope.py`), plus
    the members behind fans the inbox assignment gives the viewer, so a service agent outside the
    store departments sees who they serve."""
    scope = rows_filter(principal, store="first_store_id", staff="first_guide_id")
    assigned = await wechat_fans.members_assigned_to(principal)
    if scope is None or assigned is None:
        return Q()
    return scope | Q(id__in=assigned)


async def member_rows(principal: Principal, field: str = "member_id") -> Q:
    """A filter for other packages' member-bound rows (mall orders, prize awards): the row's
    member is in scope."""
    visible = await visible_members(principal)
    if visible is None:
        return Q()
    by_member: dict[str, Any] = {f"{field}__in": visible}
    return Q(**by_member)


async def visible_members(principal: Principal) -> Subquery | None:
    """The ids of the members in scope, as a subquery for other packages' member-bound rows
    (None: every member)."""
    if principal.department_ids is None:
        return None
    return Subquery(Member.filter(await scope_filter(principal)).values("id"))


def phone_filter(text: str) -> Q:
    """A full mobile number matches exactly (in its stored E.164 form); a fragment by digits."""
    from sms_gateway.errors import InvalidNumberError
    from sms_gateway.service.messages import normalize_recipient

    try:
        return Q(phone=normalize_recipient(text))
    except InvalidNumberError:
        digits = "".join(c for c in text if c.isdigit())
        return Q(phone__contains=digits) if digits else Q(id__in=[])


def keyword_filter(text: str) -> Q:
    """The console's one search box: a phone number or its digits, a card number, or a name."""
    if text.isdigit():
        return phone_filter(text) | Q(card_no=text)
    by_name = Q(name__icontains=text)
    return by_name | phone_filter(text) if any(c.isdigit() for c in text) else by_name


# Upper packages that know a member's tier (loyalty) register how to filter the list by it.
_tier_filter: list[Callable[[int], Q]] = []


def set_tier_filter(make: Callable[[int], Q]) -> None:
    _tier_filter[:] = [make]


async def filtered_members(
    principal: Principal,
    *,
    store_id: int | None = None,
    guide_id: int | None = None,
    phone: str = "",
    tier_id: int | None = None,
    joined_from: datetime | None = None,
    joined_to: datetime | None = None,
) -> QuerySet[Member]:
    """The member list's filters in the caller's data scope (the list and its export)."""
    query = Member.filter(await scope_filter(principal), merged_into_id=None)
    if phone.strip():
        query = query.filter(keyword_filter(phone.strip()))
    if store_id is not None:
        query = query.filter(first_store_id=store_id)
    if guide_id is not None:
        query = query.filter(first_guide_id=guide_id)
    if tier_id is not None:
        query = query.filter(_tier_filter[0](tier_id) if _tier_filter else Q(id__in=[]))
    if joined_from is not None:
        query = query.filter(created_at__gte=joined_from)
    if joined_to is not None:
        query = query.filter(created_at__lte=joined_to)
    return query


async def list_members(
    principal: Principal,
    *,
    store_id: int | None = None,
    guide_id: int | None = None,
    phone: str = "",
    tier_id: int | None = None,
    joined_from: datetime | None = None,
    joined_to: datetime | None = None,
    page: int = 1,
    page_size: int = 30,
) -> tuple[list[MemberRead], int]:
    query = await filtered_members(
        principal,
        store_id=store_id,
        guide_id=guide_id,
        phone=phone,
        tier_id=tier_id,
        joined_from=joined_from,
        joined_to=joined_to,
    )
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return [MemberRead.model_validate(r) for r in rows], total


async def is_visible(principal: Principal, member_id: int) -> bool:
    return await Member.filter(await scope_filter(principal)).filter(id=member_id).exists()


async def get_member(principal: Principal, member_id: int) -> tuple[MemberRead, list[MemberTouch]]:
    member = await Member.filter(await scope_filter(principal)).get_or_none(id=member_id)
    if member is None:
        raise MemberNotFoundError()
    touches = await MemberTouch.filter(member_id=member.id).order_by("-id").limit(100)
    return MemberRead.model_validate(member), touches


async def names_for(rows: list[MemberRead]) -> dict[str, dict[int, str]]:
    from crm_core.org.models import Staff

    store_ids = {i for r in rows for i in (r.first_store_id, r.last_store_id) if i}
    staff_ids = {i for r in rows for i in (r.first_guide_id, r.last_guide_id) if i}
    stores = await Store.filter(id__in=list(store_ids)).values_list("id", "name")
    staff = await Staff.filter(id__in=list(staff_ids)).values_list("id", "name")
    return {
        "stores": {int(k): str(v) for k, v in stores},
        "staff": {int(k): str(v) for k, v in staff},
    }


async def openid_for(member_id: int, appid: str) -> str | None:
    """The member's openid under one official account (red packets, messages), if known."""
    identity = (
        await MemberIdentity.filter(member_id=member_id, kind="openid", appid=appid)
        .order_by("id")
        .first()
    )
    return identity.value if identity else None


async def display_names(member_ids: list[int]) -> dict[int, str]:
    """The names the console shows for members (the channel's inbox, fan pages)."""
    rows = await Member.filter(id__in=member_ids).exclude(name="").values_list("id", "name")
    return {int(k): str(v) for k, v in rows}
