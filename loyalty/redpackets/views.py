"""Console: the red packet ledger (微信红包) with a query-then-resend button."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.validation import Id
from crm_core.web.console import attempt, check_csrf, need, render
from loyalty.console import Console
from loyalty.redpackets import service
from loyalty.redpackets.models import RedPacketStatus

router = APIRouter(prefix="/admin/loyalty")
PAGE = "/admin/loyalty/red-packets"
STATUS_LABELS = {"pending": "待发放", "sent": "已发放", "failed": "发放失败", "unknown": "结果未知"}
SOURCE_LABELS = {"checkin": "连续签到", "lottery": "大转盘", "mall": "积分商城"}


@router.get("/red-packets", response_class=HTMLResponse)
async def red_packets_page(
    request: Request, principal: Console, status: RedPacketStatus | None = None
) -> Response:
    need(principal, "loyalty.redpacket:view")
    return await render(
        request,
        "loyalty_red_packets.html",
        packets=await service.list_red_packets(status),
        status=status,
        statuses=STATUS_LABELS,
        sources=SOURCE_LABELS,
    )


@router.post("/red-packets/{red_packet_id}/retry")
async def red_packet_retry(
    red_packet_id: Id, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "loyalty.redpacket:edit")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: service.retry_red_packet(principal, red_packet_id),
        ok="已提交：先向微信查询，未发放才会用原单号重发",
        back=PAGE,
    )
