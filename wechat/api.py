"""JSON API of the WeChat channel: one short function per endpoint."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

import wechat.permissions  # noqa: F401 - registers the channel's resources
from crm_core.audit import actor_of as actor
from crm_core.http import content_disposition, require
from crm_core.org.schemas import Page
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize
from wechat.models import QrKind, QrStatus, ReplyKind
from wechat.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    AssignCreate,
    AutoReplyCreate,
    AutoReplyPreview,
    AutoReplyPreviewCreate,
    AutoReplyRead,
    AutoReplyUpdate,
    BlacklistUpdate,
    ConversationRead,
    FanDetailRead,
    FanListItem,
    FanTagRead,
    FanTagsUpdate,
    MenuCheck,
    MenuCreate,
    MenuProblems,
    MenuRead,
    MenuUpdate,
    MerchantRead,
    MerchantSet,
    MessageRead,
    MessageTemplateRead,
    MessageTemplateSyncCreate,
    MessageTemplateSyncRead,
    PortraitRead,
    QrCodeCreate,
    QrCodeListItem,
    QrCodeRead,
    QrCodeUpdate,
    QrStatRead,
    ReplyCreate,
    TimelineEntry,
)
from wechat.service import (
    accounts,
    autoreplies,
    fans,
    inbox,
    menus,
    message_templates,
    pay,
    portrait,
    qrcodes,
    tags,
)

router = APIRouter(prefix="/api/v1", tags=["wechat"])
Search = Annotated[str, Query(max_length=64)]
FanSort = Literal[
    "id",
    "-id",
    "first_subscribed_at",
    "-first_subscribed_at",
    "last_interaction_at",
    "-last_interaction_at",
    "follow_count",
    "-follow_count",
]
QrSort = Literal["id", "-id", "name", "-name", "scene", "-scene", "created_at", "-created_at"]
TOTAL_HEADER = {
    "X-Total-Count": {"description": "粉丝总数（分页前）", "schema": {"type": "integer"}}
}


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


@router.get("/wechat/pay-merchant", response_model=MerchantRead | None)
async def get_pay_merchant(_: Principal = can("wechat.account:view")) -> MerchantRead | None:
    return await pay.get_merchant()


@router.put("/wechat/pay-merchant", response_model=MerchantRead)
async def set_pay_merchant(
    body: MerchantSet, principal: Principal = can("wechat.account:edit")
) -> MerchantRead:
    return await pay.set_merchant(actor(principal), body)


@router.get("/wechat/qrcodes", response_model=Page[QrCodeListItem])
async def list_qrcodes(
    account_id: Id | None = None,
    kind: QrKind | None = None,
    store_id: Id | None = None,
    guide_id: Id | None = None,
    status: QrStatus | None = None,
    q: Search = "",
    sort: QrSort = "id",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    principal: Principal = can("wechat.qrcode:view"),
) -> Page[QrCodeListItem]:
    return await qrcodes.qrcode_page(
        principal,
        account_id=account_id,
        kind=kind,
        store_id=store_id,
        guide_id=guide_id,
        status=status,
        q=q,
        sort=sort,
        page=page,
        page_size=page_size,
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


@router.get(
    "/wechat/fans",
    response_model=list[FanListItem],
    responses={200: {"headers": TOTAL_HEADER}},
)
async def list_fans(
    response: Response,
    account_id: Id | None = None,
    subscribed: bool | None = None,
    store_id: Id | None = None,
    guide_id: Id | None = None,
    qrcode_id: Id | None = None,
    channel: Annotated[str, Query(max_length=64)] = "",
    tag: Annotated[str, Query(max_length=30)] = "",
    region: Annotated[str, Query(max_length=32)] = "",
    since: date | None = None,
    until: date | None = None,
    q: Search = "",
    sort: FanSort = "-id",
    page: PageNumber = 1,
    page_size: PageSize = 30,
    principal: Principal = can("wechat.fan:view"),
) -> list[FanListItem]:
    """A list (the shape callers already read); the total before paging is X-Total-Count."""
    rows, total = await fans.list_fans(
        principal,
        account_id=account_id,
        subscribed=subscribed,
        store_id=store_id,
        guide_id=guide_id,
        qrcode_id=qrcode_id,
        channel=channel,
        tag=tag,
        since=since,
        until=until,
        region=region,
        keyword=q,
        sort=sort,
        page=page,
        page_size=page_size,
    )
    response.headers["X-Total-Count"] = str(total)
    return await fans.list_items(rows)


@router.get("/wechat/portrait", response_model=PortraitRead)
async def fan_portrait(
    days: Annotated[int, Query(ge=1, le=366)] = 14,
    principal: Principal = can("wechat.fan:view"),
) -> PortraitRead:
    return await portrait.series(principal, days=days)


@router.get("/wechat/fans/{fan_id}", response_model=FanDetailRead)
async def get_fan(fan_id: Id, principal: Principal = can("wechat.fan:view")) -> FanDetailRead:
    return await fans.detail(principal, fan_id)


@router.get("/wechat/fans/{fan_id}/timeline", response_model=list[TimelineEntry])
async def fan_timeline(
    fan_id: Id, principal: Principal = can("wechat.fan:view")
) -> list[TimelineEntry]:
    return await fans.timeline(principal, fan_id)


@router.get("/wechat/tags", response_model=list[FanTagRead])
async def list_tags(
    account_id: Id | None = None, _: Principal = can("wechat.fan:view")
) -> list[FanTagRead]:
    return await tags.list_tags(account_id)


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


@router.get("/wechat/conversations", response_model=Page[ConversationRead])
async def list_conversations(
    mine: bool = False,
    q: Search = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    principal: Principal = can("wechat.inbox:view"),
) -> Page[ConversationRead]:
    return await inbox.conversation_page(principal, mine=mine, q=q, page=page, page_size=page_size)


@router.put("/wechat/conversations/{fan_id}/read", status_code=204, response_class=Response)
async def mark_conversation_read(
    fan_id: Id, principal: Principal = can("wechat.inbox:view")
) -> Response:
    await inbox.mark_read(principal, fan_id)
    return Response(status_code=204)


@router.put("/wechat/fans/{fan_id}/assignee", status_code=204, response_class=Response)
async def assign_fan(
    fan_id: Id, body: AssignCreate, principal: Principal = can("wechat.inbox:assign")
) -> Response:
    await inbox.assign(principal, fan_id, body.staff_id)
    return Response(status_code=204)


@router.get("/wechat/auto-replies", response_model=list[AutoReplyRead])
async def list_auto_replies(
    account_id: Id | None = None,
    kind: ReplyKind | None = None,
    is_active: bool | None = None,
    q: Search = "",
    _: Principal = can("wechat.autoreply:view"),
) -> list[AutoReplyRead]:
    return await autoreplies.list_rules(account_id, kind=kind, is_active=is_active, q=q)


@router.post("/wechat/auto-replies/preview", response_model=AutoReplyPreview)
async def preview_auto_reply(
    body: AutoReplyPreviewCreate, principal: Principal = can("wechat.autoreply:view")
) -> AutoReplyPreview:
    return await autoreplies.preview(principal, body)


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
    account_id: Id | None = None, q: Search = "", _: Principal = can("wechat.menu:view")
) -> list[MenuRead]:
    return await menus.list_menus(account_id, q=q)


@router.post("/wechat/menus/check", response_model=MenuProblems)
async def check_menu(body: MenuCheck, _: Principal = can("wechat.menu:view")) -> MenuProblems:
    return menus.check_menu(body.buttons)


@router.get("/wechat/menus/{menu_id}", response_model=MenuRead)
async def get_menu(menu_id: Id, _: Principal = can("wechat.menu:view")) -> MenuRead:
    return await menus.get_menu(menu_id)


@router.patch("/wechat/menus/{menu_id}", response_model=MenuRead)
async def update_menu(
    menu_id: Id, body: MenuUpdate, principal: Principal = can("wechat.menu:edit")
) -> MenuRead:
    return await menus.update_menu(actor(principal), menu_id, body)


@router.post("/wechat/menus", status_code=201, response_model=MenuRead)
async def create_menu(
    body: MenuCreate, principal: Principal = can("wechat.menu:create")
) -> MenuRead:
    return await menus.create_menu(actor(principal), body)


@router.post("/wechat/menus/{menu_id}/publish", status_code=202, response_model=MenuRead)
async def publish_menu(menu_id: Id, principal: Principal = can("wechat.menu:edit")) -> MenuRead:
    return await menus.request_publish(actor(principal), menu_id)


@router.get("/wechat/message-templates", response_model=list[MessageTemplateRead])
async def list_message_templates(
    account_id: Id | None = None, _: Principal = can("wechat.template:view")
) -> list[MessageTemplateRead]:
    return await message_templates.list_templates(account_id)


@router.post("/wechat/message-templates/sync", response_model=MessageTemplateSyncRead)
async def sync_message_templates(
    body: MessageTemplateSyncCreate, principal: Principal = can("wechat.template:edit")
) -> MessageTemplateSyncRead:
    return await message_templates.sync(body.account_id, actor=actor(principal))
