"""Console: official accounts, QR codes (posters, zip, statistics), auto-replies, menus."""

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.audit import actor_of as actor
from crm_core.errors import ValidationError
from crm_core.http import content_disposition
from crm_core.org.service import staff as staff_service
from crm_core.org.service import stores as store_service
from crm_core.validation import Id
from crm_core.web.console import attempt, check_csrf, need, render
from wechat.models import QrKind
from wechat.schemas import (
    AccountCreate,
    AutoReplyCreate,
    MenuCreate,
    MerchantSet,
    QrCodeCreate,
    QrCodeUpdate,
)
from wechat.service import accounts, autoreplies, menus, pay, qrcodes
from wechat.views._shell import Console

router = APIRouter(prefix="/admin/wechat")


@router.get("/accounts", response_class=HTMLResponse)
async def account_page(request: Request, principal: Console) -> Response:
    need(principal, "wechat.account:view")
    return await render(
        request,
        "wechat_accounts.html",
        rows=await accounts.list_accounts(),
        merchant=await pay.get_merchant(),
    )


@router.post("/accounts")
async def account_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.account:create")
    form = await check_csrf(request)
    values = form.values("appid", "name", "secret", "token", "aes_key", "mode")
    return await attempt(
        request,
        lambda: accounts.create_account(actor(principal), AccountCreate(**values)),
        ok="公众号已添加",
        back="/admin/wechat/accounts",
    )


@router.post("/pay-merchant")
async def merchant_set(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.account:edit")
    form = await check_csrf(request)
    values = form.values(
        "account_id",
        "mch_id",
        "api_key",
        "send_name",
        "client_ip",
        "cert_path",
        "key_path",
        ints=("account_id",),
    )
    return await attempt(
        request,
        lambda: pay.set_merchant(actor(principal), MerchantSet(**values)),
        ok="微信支付商户已保存",
        back="/admin/wechat/accounts",
    )


async def _choices(principal: Any) -> dict[str, Any]:
    return {
        "accounts": await accounts.list_accounts(),
        "stores": (await store_service.list_stores(principal, page_size=200)).items,
        "guides": await staff_service.list_guides(principal),
    }


@router.get("/qrcodes", response_class=HTMLResponse)
async def qrcode_page(request: Request, principal: Console) -> Response:
    need(principal, "wechat.qrcode:view")
    rows = await qrcodes.list_qrcodes(principal)
    totals = await qrcodes.totals([r.id for r in rows])
    return await render(
        request,
        "wechat_qrcodes.html",
        rows=rows,
        totals=totals,
        kinds=qrcodes.KIND_LABELS,
        **await _choices(principal),
    )


@router.post("/qrcodes")
async def qrcode_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.qrcode:create")
    form = await check_csrf(request)
    values = form.values(
        "account_id",
        "kind",
        "name",
        "store_id",
        "guide_id",
        "channel",
        "welcome_text",
        "expire_seconds",
        ints=("account_id", "store_id", "guide_id", "expire_seconds"),
    )
    values["permanent"] = "expire_seconds" not in values
    return await attempt(
        request,
        lambda: qrcodes.create_qrcode(principal, actor(principal), QrCodeCreate(**values)),
        ok="二维码已创建，正在向微信申请，稍后即可下载海报",
        back="/admin/wechat/qrcodes",
    )


@router.get("/qrcodes/{qrcode_id}", response_class=HTMLResponse)
async def qrcode_detail(qrcode_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "wechat.qrcode:view")
    code = await qrcodes.get_qrcode(principal, qrcode_id)
    stats = await qrcodes.daily_stats(principal, qrcode_id)
    return await render(
        request, "wechat_qrcode.html", code=code, stats=stats, kinds=qrcodes.KIND_LABELS
    )


@router.post("/qrcodes/{qrcode_id}")
async def qrcode_update(qrcode_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "wechat.qrcode:edit")
    form = await check_csrf(request)
    values = form.values("name", "welcome_text")
    return await attempt(
        request,
        lambda: qrcodes.update_qrcode(
            principal, actor(principal), qrcode_id, QrCodeUpdate(**values)
        ),
        ok="已保存",
        back=f"/admin/wechat/qrcodes/{qrcode_id}",
    )


@router.get("/qrcodes/{qrcode_id}/poster.png")
async def qrcode_poster(qrcode_id: Id, principal: Console) -> Response:
    need(principal, "wechat.qrcode:export")
    name, image = await qrcodes.poster(principal, qrcode_id)
    return Response(image, media_type="image/png", headers=content_disposition(name, inline=True))


@router.get("/stores/{store_id}/guide-posters.zip")
async def store_posters(store_id: Id, principal: Console) -> Response:
    need(principal, "wechat.qrcode:export")
    name, archive = await qrcodes.store_guide_posters(principal, store_id)
    return Response(archive, media_type="application/zip", headers=content_disposition(name))


@router.get("/replies", response_class=HTMLResponse)
async def reply_page(request: Request, principal: Console) -> Response:
    need(principal, "wechat.autoreply:view")
    return await render(
        request,
        "wechat_replies.html",
        rows=await autoreplies.list_rules(),
        accounts=await accounts.list_accounts(),
    )


@router.post("/replies")
async def reply_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.autoreply:create")
    form = await check_csrf(request)
    values = form.values(
        "account_id",
        "kind",
        "match_mode",
        "keyword",
        "priority",
        "reply_type",
        "content",
        "media_id",
        "title",
        "url",
        "picurl",
        ints=("account_id", "priority"),
    )
    return await attempt(
        request,
        lambda: autoreplies.create_rule(actor(principal), AutoReplyCreate(**values)),
        ok="自动回复已保存",
        back="/admin/wechat/replies",
    )


@router.post("/replies/{reply_id}/delete")
async def reply_delete(reply_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.autoreply:delete")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: autoreplies.delete_rule(actor(principal), reply_id),
        ok="已删除",
        back="/admin/wechat/replies",
    )


@router.get("/menus", response_class=HTMLResponse)
async def menu_page(request: Request, principal: Console) -> Response:
    need(principal, "wechat.menu:view")
    return await render(
        request,
        "wechat_menus.html",
        rows=await menus.list_menus(),
        accounts=await accounts.list_accounts(),
    )


@router.post("/menus")
async def menu_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.menu:create")
    form = await check_csrf(request)

    async def create() -> object:
        try:
            buttons = json.loads(form.get("buttons") or "[]")
        except json.JSONDecodeError as error:
            raise ValidationError("菜单 JSON 格式不正确") from error
        values = form.values("account_id", "name", "tag_id", ints=("account_id", "tag_id"))
        return await menus.create_menu(actor(principal), MenuCreate(**values, buttons=buttons))

    return await attempt(request, create, ok="菜单已保存（尚未发布）", back="/admin/wechat/menus")


@router.post("/menus/{menu_id}/publish")
async def menu_publish(menu_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "wechat.menu:edit")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: menus.request_publish(actor(principal), menu_id),
        ok="正在发布到微信，刷新查看结果",
        back="/admin/wechat/menus",
    )


KINDS = [k.value for k in QrKind]
