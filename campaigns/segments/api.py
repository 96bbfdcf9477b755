"""JSON API for segments under /api/v1/campaigns/segments."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from campaigns.segments import service
from campaigns.segments.schemas import (
    ExplainRead,
    FieldOptionRead,
    PreviewCreate,
    PreviewRead,
    SegmentCreate,
    SegmentMemberPage,
    SegmentRead,
    SegmentUpdate,
)
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/segments", tags=["campaigns"])
Viewer = Annotated[Principal, Depends(require("campaigns.segment:view"))]


@router.get("", response_model=list[SegmentRead])
async def list_segments(principal: Viewer) -> list[SegmentRead]:
    return await service.list_segments()


@router.post("", response_model=SegmentRead, status_code=201)
async def create_segment(
    body: SegmentCreate, principal: Principal = Depends(require("campaigns.segment:create"))
) -> SegmentRead:
    return await service.create_segment(principal, body)


@router.get("/fields", response_model=list[FieldOptionRead])
async def list_fields(principal: Viewer) -> list[FieldOptionRead]:
    """The conditions a rule may use, with their operators (the rule builder's pickers)."""
    return service.field_options()


@router.post("/preview", response_model=PreviewRead)
async def preview(body: PreviewCreate, principal: Viewer) -> PreviewRead:
    """An unsaved rule's live count in the caller's data scope, and its first 20 members."""
    return await service.preview(principal, body.rule)


@router.post("/explain", response_model=ExplainRead)
async def explain(body: PreviewCreate, principal: Viewer) -> ExplainRead:
    """Each condition's count on its own, in the caller's data scope."""
    return await service.explain(principal, body.rule)


@router.get("/{segment_id}", response_model=SegmentRead)
async def get_segment(segment_id: Id, principal: Viewer) -> SegmentRead:
    return await service.get_segment(segment_id)


@router.put("/{segment_id}", response_model=SegmentRead)
async def update_segment(
    segment_id: Id,
    body: SegmentUpdate,
    principal: Principal = Depends(require("campaigns.segment:edit")),
) -> SegmentRead:
    return await service.update_segment(principal, segment_id, body)


@router.delete("/{segment_id}", status_code=204, response_class=Response)
async def delete_segment(
    segment_id: Id, principal: Principal = Depends(require("campaigns.segment:delete"))
) -> Response:
    await service.delete_segment(principal, segment_id)
    return Response(status_code=204)


@router.get("/{segment_id}/members", response_model=SegmentMemberPage)
async def segment_members(
    segment_id: Id, principal: Viewer, page: PageNumber = 1, page_size: PageSize = 30
) -> SegmentMemberPage:
    """The saved segment's members now, in the caller's data scope (newest first)."""
    return await service.segment_members(principal, segment_id, page=page, page_size=page_size)
