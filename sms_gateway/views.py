"""Console pages of the SMS channel: modems, message log, inbox, opt-outs, templates, calls."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

import sms_gateway.permissions  # noqa: F401 - registers the channel's resources
from crm_core.audit import actor_of
from crm_core.permissions import Principal
from crm_core.validation import INT8_MAX, Id, PageNumber
from crm_core.web.console import (
    add_snippet,
    add_template_dir,
    attempt,
    check_csrf,
    console_principal,
    need,
    render,
)
from sms_gateway.errors import SmsNotFoundError
from sms_gateway.schemas import MessageCreate, TemplateCreate
from sms_gateway.service import inbound, messages, modems, suppression, templates

router = APIRouter(prefix="/admin/sms", include_in_schema=False)
Console = Annotated[Principal, Depends(console_principal)]
add_template_dir(Path(__file__).parent / "templates")
add_snippet("sms/call_popup.html", "sms.call:view")
STATUS_LABELS = {
    "queued": "排队中",
    "sending": "发送中",
    "sent": "已发送",
    "delivered": "已送达",
    "failed": "失败",
    "unknown": "结果未知",
}
STATE_LABELS = {"online": "在线", "parked": "暂停", "down": "故障", "offline": "离线"}


@router.get("/modems", response_class=HTMLResponse)
async def modem_page(request: Request, principal: Console) -> Response:
    need(principal, "sms.modem:view")
    return await render(
        request, "sms/modems.html", modems=await modems.list_modems(), states=STATE_LABELS
    )


@router.post("/modems/{modem_id}/{action}")
async def modem_toggle(
    modem_id: Id, action: str, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "sms.modem:edit")
    await check_csrf(request)
    if action not in {"enable", "disable"}:
        raise SmsNotFoundError("页面或操作不存在")
    enable = action == "enable"
    return await attempt(
        request,
        lambda: modems.set_enabled(modem_id, enable, actor_of(principal)),
        ok="模块已启用" if enable else "模块已停用，未提交的短信已转交其他模块",
        back="/admin/sms/modems",
    )


@router.get("/messages", response_class=HTMLResponse)
async def message_page(
    request: Request,
    principal: Console,
    status: str = "",
    kind: str = "",
    recipient: str = "",
    page: PageNumber = 1,
) -> Response:
    need(principal, "sms.message:view")
    result = await messages.list_messages(
        status=status, kind=kind, recipient=recipient, page=page, page_size=50
    )
    return await render(
        request,
        "sms/messages.html",
        result=result,
        status=status,
        kind=kind,
        recipient=recipient,
        statuses=STATUS_LABELS,
        templates=await templates.list_templates(),
    )


@router.post("/messages")
async def message_send(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "sms.message:create")
    form = await check_csrf(request)
    params = dict(line.split("=", 1) for line in form.get("params").splitlines() if "=" in line)
    return await attempt(
        request,
        lambda: templates.send(
            MessageCreate(
                to=form.get("to"),
                text=form.get("text"),
                kind=form.get("kind") or "transactional",
                template_code=form.get("template_code"),
                params=params,
            ),
            actor_id=principal.staff_id,
        ),
        ok="短信已进入发送队列",
        back="/admin/sms/messages",
    )


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(request: Request, principal: Console, sender: str = "") -> Response:
    need(principal, "sms.inbox:view")
    return await render(
        request, "sms/inbox.html", rows=await inbound.list_inbound(sender=sender), sender=sender
    )


@router.get("/suppressions", response_class=HTMLResponse)
async def suppression_page(request: Request, principal: Console) -> Response:
    need(principal, "sms.suppression:view")
    return await render(request, "sms/suppressions.html", rows=await suppression.list_suppressed())


@router.post("/suppressions")
async def suppression_add(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "sms.suppression:create")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: suppression.suppress(
            form.get("phone"),
            reason=form.get("reason") or "后台添加",
            source=f"staff:{principal.staff_id}",
        ),
        ok="已加入退订名单",
        back="/admin/sms/suppressions",
    )


@router.post("/suppressions/remove")
async def suppression_remove(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "sms.suppression:delete")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: suppression.remove(form.get("phone")),
        ok="已移出退订名单（营销短信仍需重新取得同意）",
        back="/admin/sms/suppressions",
    )


@router.get("/templates", response_class=HTMLResponse)
async def template_page(request: Request, principal: Console) -> Response:
    need(principal, "sms.template:view")
    return await render(request, "sms/templates.html", rows=await templates.list_templates())


@router.post("/templates")
async def template_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "sms.template:create")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: templates.create_template(
            TemplateCreate(**form.values("code", "name", "kind", "body"), enabled=True)
        ),
        ok="模板已创建",
        back="/admin/sms/templates",
    )


@router.post("/templates/{template_id}/delete")
async def template_delete(
    template_id: Id, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "sms.template:delete")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: templates.delete_template(template_id),
        ok="模板已删除",
        back="/admin/sms/templates",
    )


@router.get("/calls", response_class=HTMLResponse)
async def call_page(request: Request, principal: Console) -> Response:
    need(principal, "sms.call:view")
    return await render(request, "sms/calls.html", rows=await inbound.recent_calls(principal))


@router.get("/calls/poll")
async def call_poll(
    principal: Console, after: Annotated[int, Query(ge=-1, le=INT8_MAX)] = 0
) -> JSONResponse:
    """Polled by every console page (来电弹屏); answers the calls newer than ``after``."""
    need(principal, "sms.call:view")
    latest, found = await inbound.poll_calls(principal, after)
    return JSONResponse(
        {
            "latest": latest,
            "calls": [
                {
                    "id": call.id,
                    "number": call.number,
                    "started_at": call.started_at.isoformat(),
                    "rings": call.rings,
                    "caller": card.model_dump() if card else None,
                }
                for call, card in found
            ],
        }
    )
