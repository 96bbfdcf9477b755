"""JSON API for care messages under /api/v1/campaigns: settings per type, festivals, previews."""

from fastapi import APIRouter, Depends

import campaigns.permissions  # noqa: F401 - registers the campaigns resources
from campaigns.care import service
from campaigns.care.models import CareType
from campaigns.care.schemas import (
    CarePreview,
    CarePreviewRequest,
    CareSettingRead,
    CareSettingUpdate,
    FestivalRead,
    FestivalUpdate,
)
from crm_core.audit import actor_of
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id

router = APIRouter(tags=["campaigns"])
View = Depends(require("campaigns.care:view"))
Edit = Depends(require("campaigns.care:edit"))


@router.get("/care-settings", response_model=list[CareSettingRead])
async def list_care_settings(principal: Principal = View) -> list[CareSettingRead]:
    return await service.list_settings()


@router.put("/care-settings/{care_type}", response_model=CareSettingRead)
async def update_care_setting(
    care_type: CareType, body: CareSettingUpdate, principal: Principal = Edit
) -> CareSettingRead:
    return await service.update_setting(actor_of(principal), care_type, body)


@router.post("/care-settings/{care_type}/preview", response_model=CarePreview)
async def preview_care(
    care_type: CareType, body: CarePreviewRequest, principal: Principal = View
) -> CarePreview:
    return await service.preview_for_staff(principal, care_type, body.member_id)


@router.get("/festivals", response_model=list[FestivalRead])
async def list_festivals(principal: Principal = View) -> list[FestivalRead]:
    return await service.list_festivals()


@router.put("/festivals/{festival_id}", response_model=FestivalRead)
async def update_festival(
    festival_id: Id, body: FestivalUpdate, principal: Principal = Edit
) -> FestivalRead:
    return await service.update_festival(actor_of(principal), festival_id, body)
