"""One person, one member: merge member B (source) into A (target), and undo it.

members moves what it owns (identities, touches, fan links, phone and card, empty profile
fields, first/last touch). Upper layers (loyalty: points, coupons, prizes, exchanges) register
a MergeHook at boot; members never imports them. Everything runs in one transaction under row
locks on both members (taken in id order), and MemberMerge.moved records exactly what moved so
the undo can put it back.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crm_core import audit, clock
from crm_core.audit import SYSTEM, Actor, actor_of
from crm_core.db import unit_of_work
from crm_core.errors import ConflictError, NotFoundError
from crm_core.permissions import Principal
from members.models import (
    Member,
    MemberIdentity,
    MemberMerge,
    MemberTouch,
    MergeStatus,
    ProfileCompletion,
)
from members.schemas import MergePreviewRead, MergeRead
from members.service import get_member, is_visible
from sms_gateway.errors import InvalidNumberError
from sms_gateway.service.messages import normalize_recipient
from wechat.service import fans as wechat_fans

_PROFILE = (
    "name",
    "gender",
    "birthday",
    "birthday_calendar",
    "lunar_birth_month",
    "lunar_birth_day",
    "province",
    "city",
    "district",
    "address",
)
_FIRST = ("first_store_id", "first_guide_id", "first_channel", "first_touch_at")
_LAST = ("last_store_id", "last_guide_id", "last_channel", "last_touch_at")


class MergeSameMemberError(ConflictError):
    code = "merge_same_member"
    message = "不能把会员合并到自己"


class MemberAlreadyMergedError(ConflictError):
    code = "member_already_merged"
    message = "会员 #{member_id} 已被合并，不能再参与合并"


class MergeNotFoundError(NotFoundError):
    code = "merge_not_found"
    message = "合并记录不存在"


class MergeAlreadyUndoneError(ConflictError):
    code = "merge_already_undone"
    message = "该合并已撤销"


class MergeSourceNotFoundError(NotFoundError):
    code = "merge_source_not_found"
    message = "找不到要合并的会员（请输入会员ID、手机号或会员卡号）"


@dataclass(frozen=True)
class MergeContext:
    merge_id: int
    target_id: int
    source_id: int
    actor: Actor


@dataclass(frozen=True)
class MergeHook:
    """preview → [(label, value)]; move → what moved (JSON); undo gets that back."""

    name: str
    preview: Callable[[int, int], Awaitable[list[tuple[str, str]]]]
    move: Callable[[MergeContext], Awaitable[dict[str, Any]]]
    undo: Callable[[MergeContext, dict[str, Any]], Awaitable[None]]


_hooks: dict[str, MergeHook] = {}


def register_hook(hook: MergeHook) -> None:
    _hooks[hook.name] = hook


async def _lock_pair(target_id: int, source_id: int) -> tuple[Member, Member]:
    locked = {
        m.id: m
        for m in await Member.select_for_update()
        .filter(id__in=sorted({target_id, source_id}))
        .order_by("id")
    }
    if target_id not in locked or source_id not in locked:
        raise NotFoundError("会员不存在")
    return locked[target_id], locked[source_id]


def _jsonable(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _move_own(target: Member, source: Member) -> dict[str, Any]:
    identities = [i.id for i in await MemberIdentity.filter(member_id=source.id).only("id")]
    touches = [t.id for t in await MemberTouch.filter(member_id=source.id).only("id")]
    fans = await wechat_fans.fan_ids_of_member(source.id)
    await MemberIdentity.filter(id__in=identities).update(member_id=target.id)
    await MemberTouch.filter(id__in=touches).update(member_id=target.id)
    for fan_id in fans:
        await wechat_fans.link_member(fan_id, target.id)
    # Keep A's card; with none, A takes B's card (and likewise the phone). Both are unique, so
    # B gives them up first.
    taken: dict[str, object] = {}
    if target.phone is None and source.phone is not None:
        taken["phone"] = source.phone
    if target.card_no is None and source.card_no is not None:
        taken.update(card_no=source.card_no, card_bound_at=source.card_bound_at)
    if taken:
        await Member.filter(id=source.id).update(**dict.fromkeys(taken))
    changes = dict(taken)
    blank = {c for c in _PROFILE if getattr(target, c) in ("", None)}
    if "birthday" in blank and source.birthday is not None:
        changes.update(
            {
                c: getattr(source, c)
                for c in ("birthday", "birthday_calendar", "lunar_birth_month", "lunar_birth_day")
            }
        )
    for column in ("name", "gender", "province", "city", "district", "address"):
        if column in blank and getattr(source, column):
            changes[column] = getattr(source, column)
    if source.first_touch_at and (
        target.first_touch_at is None or source.first_touch_at < target.first_touch_at
    ):
        changes.update({c: getattr(source, c) for c in _FIRST})
    if source.last_touch_at and (
        target.last_touch_at is None or source.last_touch_at > target.last_touch_at
    ):
        changes.update({c: getattr(source, c) for c in _LAST})
    target_before = {c: _jsonable(getattr(target, c)) for c in changes}
    if changes:
        await Member.filter(id=target.id).update(**changes)
    # A person earns each profile field once: B's completions count for A too.
    held = {c.field for c in await ProfileCompletion.filter(member_id=target.id)}
    added = []
    for row in await ProfileCompletion.filter(member_id=source.id):
        if row.field not in held:
            copy = await ProfileCompletion.create(
                member_id=target.id, field=row.field, completed_at=row.completed_at
            )
            added.append(copy.id)
    return {
        "identities": identities,
        "touches": touches,
        "fans": fans,
        "taken_from_source": {c: _jsonable(v) for c, v in taken.items()},
        "target_before": target_before,
        "completions_added": added,
    }


async def _undo_own(target: Member, source: Member, moved: dict[str, Any]) -> None:
    await MemberIdentity.filter(id__in=moved["identities"]).update(member_id=source.id)
    await MemberTouch.filter(id__in=moved["touches"], member_id=target.id).update(
        member_id=source.id
    )
    for fan_id in moved["fans"]:
        await wechat_fans.link_member(fan_id, source.id)
    await ProfileCompletion.filter(id__in=moved["completions_added"]).delete()
    restore = {c: _parse(c, v) for c, v in moved["target_before"].items()}
    if restore:
        await Member.filter(id=target.id).update(**restore)
    taken = {c: _parse(c, v) for c, v in moved["taken_from_source"].items()}
    if taken:
        await Member.filter(id=source.id).update(**taken)


def _parse(column: str, value: object) -> object:
    if value is None or not isinstance(value, str):
        return value
    if column.endswith("_at"):
        return datetime.fromisoformat(value)
    if column == "birthday":
        return date.fromisoformat(value)
    return value


async def find_source(text: str) -> Member:
    """The member to merge in, by card number (88…), phone, or id."""
    text = text.strip()
    found = None
    if text.isdigit() and len(text) == 14 and text.startswith("88"):
        found = await Member.get_or_none(card_no=text)
    elif len(text.lstrip("+")) >= 11:
        try:
            found = await Member.get_or_none(phone=normalize_recipient(text))
        except InvalidNumberError:
            found = None
    elif text.isdecimal() and int(text) < 2**31:
        found = await Member.get_or_none(id=int(text))
    if found is None:
        raise MergeSourceNotFoundError(field="source")
    return found


async def _source_in_scope(principal: Principal, text: str) -> Member:
    """The member to merge in; one outside the scope answers exactly like a missing one."""
    source = await find_source(text)
    if not await is_visible(principal, source.id):
        raise MergeSourceNotFoundError(field="source")
    return source


async def preview(principal: Principal, target_id: int, source_text: str) -> MergePreviewRead:
    await get_member(principal, target_id)
    source = await _source_in_scope(principal, source_text)
    _check(target_id, source, await Member.get(id=target_id))
    items = [
        (
            "微信身份（openid/unionid）",
            str(await MemberIdentity.filter(member_id=source.id).count()),
        ),
        ("扫码/关注记录", str(await MemberTouch.filter(member_id=source.id).count())),
        ("手机号", source.phone or "—"),
        ("会员卡号", source.card_no or "—"),
    ]
    for hook in _hooks.values():
        items += await hook.preview(target_id, source.id)
    return MergePreviewRead(
        target_id=target_id, source_id=source.id, source_name=source.name, items=items
    )


def _check(target_id: int, source: Member, target: Member | None = None) -> None:
    if source.id == target_id:
        raise MergeSameMemberError(field="source")
    for member in (source, target):
        if member is not None and member.merged_into_id is not None:
            raise MemberAlreadyMergedError(member_id=member.id)


async def merge_members(
    principal: Principal, target_id: int, source_text: str, *, reason: str = ""
) -> MergeRead:
    await get_member(principal, target_id)
    source = await _source_in_scope(principal, source_text)
    return await merge(target_id, source.id, actor=actor_of(principal), reason=reason)


async def merge(
    target_id: int, source_id: int, *, actor: Actor = SYSTEM, reason: str = ""
) -> MergeRead:
    """Merge source into target in one transaction; 409 if either side is already merged."""
    if target_id == source_id:
        raise MergeSameMemberError(field="source")
    async with unit_of_work():
        target, source = await _lock_pair(target_id, source_id)
        _check(target_id, source, target)
        now = clock.utc_now()
        record = await MemberMerge.create(
            target_id=target_id,
            source_id=source_id,
            reason=reason[:255],
            actor_id=actor.id,
            actor_name=actor.name[:64],
            created_at=now,
        )
        context = MergeContext(record.id, target_id, source_id, actor)
        moved: dict[str, Any] = {"members": await _move_own(target, source)}
        for name, hook in _hooks.items():
            moved[name] = await hook.move(context)
        await Member.filter(id=source_id).update(merged_into_id=target_id, merged_at=now)
        record.moved = moved
        await record.save(update_fields=["moved"])
        await audit.record(
            actor,
            "member.merge",
            target_type="member",
            target_id=target_id,
            before={"source_id": source_id, "source_merged_into": None},
            after={
                "merge_id": record.id,
                "source_merged_into": target_id,
                "moved": _summary(moved),
            },
            reason=reason[:255],
        )
    return MergeRead.model_validate(record)


def _summary(moved: dict[str, Any]) -> dict[str, object]:
    """Counts for the audit log (the full lists stay on the merge record)."""
    return {
        f"{part}.{k}": (len(v) if isinstance(v, list | dict) else v)
        for part, values in moved.items()
        for k, v in values.items()
    }


async def undo_merge(principal: Principal, merge_id: int) -> MergeRead:
    record = await MemberMerge.get_or_none(id=merge_id)
    if record is None:
        raise MergeNotFoundError()
    await get_member(principal, record.target_id)
    return await undo(merge_id, actor=actor_of(principal))


async def undo(merge_id: int, *, actor: Actor = SYSTEM) -> MergeRead:
    async with unit_of_work():
        record = await MemberMerge.select_for_update().get_or_none(id=merge_id)
        if record is None:
            raise MergeNotFoundError()
        if record.status != MergeStatus.DONE:
            raise MergeAlreadyUndoneError()
        target, source = await _lock_pair(record.target_id, record.source_id)
        if target.merged_into_id is not None:
            raise MemberAlreadyMergedError(member_id=target.id)
        context = MergeContext(record.id, target.id, source.id, actor)
        for name, hook in reversed(list(_hooks.items())):
            if name in record.moved:
                await hook.undo(context, record.moved[name])
        await _undo_own(target, source, record.moved["members"])
        await Member.filter(id=source.id).update(merged_into_id=None, merged_at=None)
        now = clock.utc_now()
        await MemberMerge.filter(id=merge_id).update(
            status=MergeStatus.UNDONE, undone_at=now, undone_by=actor.name[:64]
        )
        await audit.record(
            actor,
            "member.merge_undo",
            target_type="member",
            target_id=target.id,
            before={"merge_id": merge_id, "source_merged_into": target.id},
            after={
                "source_id": source.id,
                "source_merged_into": None,
                "restored": _summary(record.moved),
            },
        )
        await record.refresh_from_db()
    return MergeRead.model_validate(record)


async def merges_of(member_id: int) -> list[MergeRead]:
    rows = await MemberMerge.filter(target_id=member_id).order_by("-id").limit(50)
    more = await MemberMerge.filter(source_id=member_id).order_by("-id").limit(50)
    return [MergeRead.model_validate(r) for r in sorted([*rows, *more], key=lambda r: -r.id)]
