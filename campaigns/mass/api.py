"""JSON API for mass campaigns under /api/v1/campaigns/campaigns."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from campaigns.mass import service
from campaigns.mass.schemas import (
    CampaignProgress,
    CampaignRead,
    CampaignWrite,
    PreviewSend,
    PreviewSent,
    ScheduleWrite,
)
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id

router = APIRouter(prefix="/campaigns", tags=["campaigns"])
Viewer = Annotated[Principal, Depends(require("campaigns.campaign:view"))]
Sender = Annotated[Principal, Depends(require("campaigns.campaign:send"))]


@router.get("", response_model=list[CampaignRead])
async def list_campaigns(principal: Viewer) -> list[CampaignRead]:
    return await service.list_campaigns()


@router.post("", response_model=CampaignRead, status_code=201)
async def create_campaign(
    body: CampaignWrite, principal: Principal = Depends(require("campaigns.campaign:create"))
) -> CampaignRead:
    return await service.create_campaign(principal, body)


@router.get("/{campaign_id}", response_model=CampaignRead)
async def get_campaign(campaign_id: Id, principal: Viewer) -> CampaignRead:
    return await service.get_campaign(campaign_id)


@router.put("/{campaign_id}", response_model=CampaignRead)
async def update_campaign(
    campaign_id: Id,
    body: CampaignWrite,
    principal: Principal = Depends(require("campaigns.campaign:edit")),
) -> CampaignRead:
    """A draft only: once started, the content is what went out."""
    return await service.update_campaign(principal, campaign_id, body)


@router.delete("/{campaign_id}", status_code=204)
async def delete_campaign(
    campaign_id: Id, principal: Principal = Depends(require("campaigns.campaign:delete"))
) -> Response:
    await service.delete_campaign(principal, campaign_id)
    return Response(status_code=204)


@router.post("/{campaign_id}/start", response_model=CampaignRead)
async def start_campaign(campaign_id: Id, principal: Sender) -> CampaignRead:
    """Freeze the segment's members (in the sender's data scope) and send now."""
    return await service.start_campaign(principal, campaign_id)


@router.post("/{campaign_id}/schedule", response_model=CampaignRead)
async def schedule_campaign(
    campaign_id: Id, body: ScheduleWrite, principal: Sender
) -> CampaignRead:
    return await service.schedule_campaign(principal, campaign_id, body.scheduled_at)


@router.post("/{campaign_id}/cancel", response_model=CampaignRead)
async def cancel_campaign(campaign_id: Id, principal: Sender) -> CampaignRead:
    """Stops every sender within seconds; rows not yet sent end `cancelled`."""
    return await service.cancel_campaign(principal, campaign_id)


@router.post("/{campaign_id}/preview", response_model=PreviewSent)
async def send_preview(campaign_id: Id, body: PreviewSend, principal: Sender) -> PreviewSent:
    """Send the content to one test fan (openid) or member first."""
    return await service.send_preview(principal, campaign_id, body)


@router.get("/{campaign_id}/progress", response_model=CampaignProgress)
async def campaign_progress(campaign_id: Id, principal: Viewer) -> CampaignProgress:
    return await service.progress(campaign_id)
