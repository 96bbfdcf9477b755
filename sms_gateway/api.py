"""JSON API of the SMS channel under /api/v1/sms: one short function per endpoint."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

import sms_gateway.permissions  # noqa: F401 - registers the channel's resources
from crm_core.audit import actor_of as actor
from crm_core.http import client_ip, require
from crm_core.permissions import Principal
from crm_core.validation import INT8_MAX, BigId, Id, PageNumber, PageSize
from sms_gateway.models import MessageKind, SmsCall
from sms_gateway.schemas import (
    CallerCard,
    CallPage,
    CallPoll,
    CallRead,
    CodeCheck,
    CodeIssued,
    CodeRequest,
    InboundPage,
    InboundRead,
    MessageCreate,
    MessagePage,
    MessageRead,
    ModemRead,
    ModemUpdate,
    SuppressionCreate,
    SuppressionRead,
    TemplateCreate,
    TemplateRead,
)
from sms_gateway.service import inbound, messages, modems, suppression, templates, verification

router = APIRouter(prefix="/api/v1/sms", tags=["sms"])
Search = Annotated[str, Query(max_length=64)]


def can(permission: str) -> Principal:
    return Depends(require(permission))  # type: ignore[no-any-return]


@router.get("/messages", response_model=MessagePage)
async def list_messages(
    status: str = "",
    kind: str = "",
    recipient: str = "",
    q: Search = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    _: Principal = can("sms.message:view"),
) -> MessagePage:
    return await messages.list_messages(
        status=status, kind=kind, recipient=recipient, q=q, page=page, page_size=page_size
    )


@router.post("/messages", response_model=MessageRead, status_code=201)
async def send_message(
    body: MessageCreate, principal: Principal = can("sms.message:create")
) -> MessageRead:
    message = await templates.send(body, actor_id=principal.staff_id)
    return await messages.get_message(message.id)


@router.get("/messages/{message_id}", response_model=MessageRead)
async def get_message(message_id: BigId, _: Principal = can("sms.message:view")) -> MessageRead:
    return await messages.get_message(message_id)


@router.get("/modems", response_model=list[ModemRead])
async def list_modems(_: Principal = can("sms.modem:view")) -> list[ModemRead]:
    return await modems.list_modems()


@router.patch("/modems/{modem_id}", response_model=ModemRead)
async def update_modem(
    modem_id: Id, body: ModemUpdate, principal: Principal = can("sms.modem:edit")
) -> ModemRead:
    return await modems.set_enabled(modem_id, body.enabled, actor(principal))


@router.get("/inbound", response_model=InboundPage)
async def list_inbound(
    sender: Search = "",
    opt_out: bool | None = None,
    q: Search = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    _: Principal = can("sms.inbox:view"),
) -> InboundPage:
    total, rows = await inbound.inbound_page(
        q=q, sender=sender, opt_out=opt_out, page=page, page_size=page_size
    )
    items = [InboundRead.model_validate(row) for row in rows]
    return InboundPage(items=items, total=total, page=page, page_size=page_size)


def _calls(found: list[tuple[SmsCall, CallerCard | None]]) -> list[CallRead]:
    return [
        CallRead.model_validate(call).model_copy(update={"caller": card}) for call, card in found
    ]


@router.get("/calls", response_model=CallPage)
async def list_calls(
    after: Annotated[int, Query(ge=0, le=INT8_MAX)] = 0,
    q: Search = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    principal: Principal = can("sms.call:view"),
) -> CallPage:
    """Newest first, each with the caller card the registered lookup gives this viewer."""
    total, found = await inbound.call_page(
        principal, q=q, after=after, page=page, page_size=page_size
    )
    return CallPage(items=_calls(found), total=total, page=page, page_size=page_size)


@router.get("/calls/poll", response_model=CallPoll)
async def poll_calls(
    after: Annotated[int, Query(ge=-1, le=INT8_MAX)] = -1,
    principal: Principal = can("sms.call:view"),
) -> CallPoll:
    latest, found = await inbound.poll_calls(principal, after)
    return CallPoll(latest=latest, calls=_calls(found))


@router.get("/suppressions", response_model=list[SuppressionRead])
async def list_suppressions(
    q: Search = "", _: Principal = can("sms.suppression:view")
) -> list[SuppressionRead]:
    return [SuppressionRead.model_validate(row) for row in await suppression.list_suppressed(q=q)]


@router.post("/suppressions", response_model=SuppressionRead, status_code=201)
async def add_suppression(
    body: SuppressionCreate, principal: Principal = can("sms.suppression:create")
) -> SuppressionRead:
    row = await suppression.suppress(
        body.phone, reason=body.reason or "后台添加", source=f"staff:{principal.staff_id}"
    )
    return SuppressionRead.model_validate(row)


@router.delete("/suppressions/{phone}", status_code=204)
async def remove_suppression(phone: str, _: Principal = can("sms.suppression:delete")) -> Response:
    await suppression.remove(phone)
    return Response(status_code=204)


@router.get("/templates", response_model=list[TemplateRead])
async def list_templates(
    q: Search = "",
    kind: MessageKind | None = None,
    enabled: bool | None = None,
    _: Principal = can("sms.template:view"),
) -> list[TemplateRead]:
    return await templates.list_templates(q=q, kind=kind, enabled=enabled)


@router.post("/templates", response_model=TemplateRead, status_code=201)
async def create_template(
    body: TemplateCreate, _: Principal = can("sms.template:create")
) -> TemplateRead:
    return await templates.create_template(body)


@router.put("/templates/{template_id}", response_model=TemplateRead)
async def update_template(
    template_id: Id, body: TemplateCreate, _: Principal = can("sms.template:edit")
) -> TemplateRead:
    return await templates.update_template(template_id, body)


@router.delete("/templates/{template_id}", status_code=204)
async def delete_template(template_id: Id, _: Principal = can("sms.template:delete")) -> Response:
    await templates.delete_template(template_id)
    return Response(status_code=204)


@router.post("/verification-codes", response_model=CodeIssued, status_code=201)
async def issue_code(
    body: CodeRequest, request: Request, _: Principal = can("sms.code:create")
) -> CodeIssued:
    issued = await verification.issue_code(body.phone, purpose=body.purpose, ip=client_ip(request))
    return CodeIssued(
        phone=issued.phone,
        purpose=issued.purpose,
        expires_at=issued.expires_at,
        message_id=issued.message_id,
    )


@router.post("/verification-codes/verify", status_code=204)
async def verify_code(body: CodeCheck, _: Principal = can("sms.code:create")) -> Response:
    await verification.verify_code(body.phone, body.code, purpose=body.purpose)
    return Response(status_code=204)
