"""JSON API for red packets: the payout ledger, and query-then-resend of unclear ones."""

from fastapi import APIRouter, Depends

from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id
from loyalty.redpackets import service
from loyalty.redpackets.models import RedPacketStatus
from loyalty.redpackets.schemas import RedPacketRead

router = APIRouter(prefix="/red-packets", tags=["loyalty"])


@router.get("", response_model=list[RedPacketRead])
async def list_red_packets(
    status: RedPacketStatus | None = None,
    principal: Principal = Depends(require("loyalty.redpacket:view")),
) -> list[RedPacketRead]:
    return await service.list_red_packets(status)


@router.post("/{red_packet_id}/retry", response_model=RedPacketRead, status_code=202)
async def retry_red_packet(
    red_packet_id: Id, principal: Principal = Depends(require("loyalty.redpacket:edit"))
) -> RedPacketRead:
    return await service.retry_red_packet(principal, red_packet_id)
