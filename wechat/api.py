"""JSON API of the WeChat channel: one short function per endpoint."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

import wechat.permissions  # noqa: F401 - registers the channel's resources
from crm_core.audit import actor_of as actor
from crm_core.http import content_disposition, require
from crm_core.permissions import Principal
from crm_core.validation import Id
from wechat.models import QrKind
from wechat.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    AssignCreate,
    AutoReplyCreate,
    AutoReplyRead,
    AutoReplyUpdate,
    BlacklistUpdate,
    FanRead,
    FanTagsUpdate,
    MenuCreate,
    MenuRead,
    MessageRead,
    QrCodeCreate,
    QrCodeRead,
    QrCodeUpdate,
    QrStatRead,
    ReplyCreate,
    TimelineEntry,
)
from wechat.service import accounts, autoreplies, fans, inbox, menus, qrcodes, tags

router = APIRouter(prefix="/api/v1", tags=["wechat"])


def can(permission: str) -> Principal:
    return Depends(require(permission))  # type: ignore[no-any-return]


@router.get("/wechat/accounts", response_model=list[AccountRead])
async def list_accounts(_: Principal = can("wechat.account:view")) -> list[AccountRead]:
    return await accounts.list_accounts()


@router.post("/wechat/accounts", status_code=201, response_model=AccountRead)
async def create_account(
    body: AccountCreate, principal: Principal = can("wechat.account:create")
) -> AccountRead:
    return await accounts.create_account(actor(principal), body)


@router.patch("/wechat/accounts/{account_id}", response_model=AccountRead)
async def update_account(
    account_id: Id, body: AccountUpdate, principal: Principal = can("wechat.account:edit")
) -> AccountRead:
    return await accounts.update_account(actor(principal), account_id, body)


@router.get("/wechat/qrcodes", response_model=list[QrCodeRead])
async def list_qrcodes(
    account_id: Id | None = None,
    kind: QrKind | None = None,
    store_id: Id | None = None,
    principal: Principal = can("wechat.qrcode:view"),
) -> list[QrCodeRead]:
    return await qrcodes.list_qrcodes(
        principal, account_id=account_id, kind=kind, store_id=store_id
    )


@router.post("/wechat/qrcodes", status_code=201, response_model=QrCodeRead)
async def create_qrcode(
    body: QrCodeCreate, principal: Principal = can("wechat.qrcode:create")
) -> QrCodeRead:
    return await qrcodes.create_qrcode(principal, actor(principal), body)


@router.get("/wechat/qrcodes/{qrcode_id}", response_model=QrCodeRead)
async def get_qrcode(qrcode_id: Id, principal: Principal = can("wechat.qrcode:view")) -> QrCodeRead:
    return QrCodeRead.model_validate(await qrcodes.get_qrcode(principal, qrcode_id))


@router.patch("/wechat/qrcodes/{qrcode_id}", response_model=QrCodeRead)
async def update_qrcode(
    qrcode_id: Id, body: QrCodeUpdate, principal: Principal = can("wechat.qrcode:edit")
) -> QrCodeRead:
    return await qrcodes.update_qrcode(principal, actor(principal), qrcode_id, body)


@router.get("/wechat/qrcodes/{qrcode_id}/poster", response_class=Response)
async def qrcode_poster(
    qrcode_id: Id, principal: Principal = can("wechat.qrcode:export")
) -> Response:
    name, image = await qrcodes.poster(principal, qrcode_id)
    return Response(image, media_type="image/png", headers=content_disposition(name))


@router.get("/wechat/qrcodes/{qrcode_id}/stats", response_model=list[QrStatRead])
async def qrcode_stats(
    qrcode_id: Id,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    principal: Principal = can("wechat.qrcode:view"),
) -> list[QrStatRead]:
    return await qrcodes.daily_stats(principal, qrcode_id, days=days)


@router.get("/stores/{store_id}/guide-posters", response_class=Response)
async def store_guide_posters(
    store_id: Id, principal: Principal = can("wechat.qrcode:export")
) -> Response:
    name, archive = await qrcodes.store_guide_posters(principal, store_id)
    return Response(archive, media_type="application/zip", headers=content_disposition(name))


@router.get("/wechat/fans", response_model=list[FanRead])
async def list_fans(
    account_id: Id | None = None,
    subscribed: bool | None = None,
    store_id: Id | None = None,
    guide_id: Id | None = None,
    channel: Annotated[str, Query(max_length=64)] = "",
    tag: Annotated[str, Query(max_length=30)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    principal: Principal = can("wechat.fan:view"),
) -> list[FanRead]:
    rows, _ = await fans.list_fans(
        principal,
        account_id=account_id,
        subscribed=subscribed,
        store_id=store_id,
        guide_id=guide_id,
        channel=channel,
        tag=tag,
        page=page,
    )
    return rows


@router.get("/wechat/fans/{fan_id}", response_model=FanRead)
async def get_fan(fan_id: Id, principal: Principal = can("wechat.fan:view")) -> FanRead:
    return FanRead.model_validate(await fans.get_fan(principal, fan_id))


@router.get("/wechat/fans/{fan_id}/timeline", response_model=list[TimelineEntry])
async def fan_timeline(
    fan_id: Id, principal: Principal = can("wechat.fan:view")
) -> list[TimelineEntry]:
    return await fans.timeline(principal, fan_id)


@router.put("/wechat/fans/{fan_id}/tags", response_model=list[str])
async def set_fan_tags(
    fan_id: Id, body: FanTagsUpdate, principal: Principal = can("wechat.fan:edit")
) -> list[str]:
    return await tags.set_tags(principal, fan_id, body.tags)


@router.put("/wechat/fans/{fan_id}/blacklist", status_code=204, response_class=Response)
async def set_fan_blacklist(
    fan_id: Id, body: BlacklistUpdate, principal: Principal = can("wechat.fan:edit")
) -> Response:
    await tags.set_blacklisted(principal, fan_id, body.blacklisted)
    return Response(status_code=204)


@router.get("/wechat/fans/{fan_id}/messages", response_model=list[MessageRead])
async def fan_messages(
    fan_id: Id, principal: Principal = can("wechat.inbox:view")
) -> list[MessageRead]:
    return await inbox.messages(principal, fan_id)


@router.post("/wechat/fans/{fan_id}/messages", status_code=202, response_model=MessageRead)
async def reply_to_fan(
    fan_id: Id, body: ReplyCreate, principal: Principal = can("wechat.inbox:create")
) -> MessageRead:
    return await inbox.reply(principal, fan_id, body.content)


@router.put("/wechat/fans/{fan_id}/assignee", status_code=204, response_class=Response)
async def assign_fan(
    fan_id: Id, body: AssignCreate, principal: Principal = can("wechat.inbox:assign")
) -> Response:
    await inbox.assign(principal, fan_id, body.staff_id)
    return Response(status_code=204)


@router.get("/wechat/auto-replies", response_model=list[AutoReplyRead])
async def list_auto_replies(
    account_id: Id | None = None, _: Principal = can("wechat.autoreply:view")
) -> list[AutoReplyRead]:
    return await autoreplies.list_rules(account_id)


@router.post("/wechat/auto-replies", status_code=201, response_model=AutoReplyRead)
async def create_auto_reply(
    body: AutoReplyCreate,
    principal: Principal = can("wechat.autoreply:create"),
) -> AutoReplyRead:
    return await autoreplies.create_rule(actor(principal), body)


@router.patch("/wechat/auto-replies/{reply_id}", response_model=AutoReplyRead)
async def update_auto_reply(
    reply_id: Id,
    body: AutoReplyUpdate,
    principal: Principal = can("wechat.autoreply:edit"),
) -> AutoReplyRead:
    return await autoreplies.update_rule(actor(principal), reply_id, body)


@router.delete("/wechat/auto-replies/{reply_id}", status_code=204, response_class=Response)
async def delete_auto_reply(
    reply_id: Id, principal: Principal = can("wechat.autoreply:delete")
) -> Response:
    await autoreplies.delete_rule(actor(principal), reply_id)
    return Response(status_code=204)


@router.get("/wechat/menus", response_model=list[MenuRead])
async def list_menus(
    account_id: Id | None = None, _: Principal = can("wechat.menu:view")
) -> list[MenuRead]:
    return await menus.list_menus(account_id)


@router.post("/wechat/menus", status_code=201, response_model=MenuRead)
async def create_menu(
    body: MenuCreate, principal: Principal = can("wechat.menu:create")
) -> MenuRead:
    return await menus.create_menu(actor(principal), body)


@router.post("/wechat/menus/{menu_id}/publish", status_code=202, response_model=MenuRead)
async def publish_menu(menu_id: Id, principal: Principal = can("wechat.menu:edit")) -> MenuRead:
    return await menus.request_publish(actor(principal), menu_id)
