"""JSON API under /api/v1/sales: opportunities, their stages and lost reasons, the reports."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

import crm_core.sales.opportunities.permissions  # noqa: F401 - registers the resources
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.sales.opportunities.models import OpportunityStatus
from crm_core.sales.opportunities.schemas import (
    ForecastRead,
    FunnelRow,
    HistoryRead,
    LoseRequest,
    LostReasonCreate,
    LostReasonRead,
    LostReasonUpdate,
    OpportunityCreate,
    OpportunityFilter,
    OpportunityPage,
    OpportunityRead,
    OpportunityUpdate,
    StageCreate,
    StageMove,
    StageRead,
    StageUpdate,
)
from crm_core.sales.opportunities.service import opportunities, reports, stages
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/sales", tags=["opportunities"])
Viewer = Annotated[Principal, Depends(require("sales.opportunity:view"))]
Creator = Annotated[Principal, Depends(require("sales.opportunity:create"))]
Editor = Annotated[Principal, Depends(require("sales.opportunity:edit"))]
Admin = Annotated[Principal, Depends(require("sales.pipeline:edit"))]
OptionalId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/opportunity-stages", response_model=list[StageRead])
async def list_stages(principal: Viewer) -> list[StageRead]:
    return await stages.list_stages()


@router.post("/opportunity-stages", response_model=StageRead, status_code=201)
async def create_stage(body: StageCreate, principal: Admin) -> StageRead:
    return await stages.create_stage(principal, body)


@router.patch("/opportunity-stages/{stage_id}", response_model=StageRead)
async def update_stage(stage_id: Id, body: StageUpdate, principal: Admin) -> StageRead:
    return await stages.update_stage(principal, stage_id, body)


@router.delete("/opportunity-stages/{stage_id}", status_code=204)
async def delete_stage(stage_id: Id, principal: Admin) -> Response:
    """409 stage_in_use when any opportunity is or was in the stage."""
    await stages.delete_stage(principal, stage_id)
    return Response(status_code=204)


@router.get("/lost-reasons", response_model=list[LostReasonRead])
async def list_lost_reasons(principal: Viewer, active: bool = True) -> list[LostReasonRead]:
    return await stages.list_lost_reasons(active_only=active)


@router.post("/lost-reasons", response_model=LostReasonRead, status_code=201)
async def create_lost_reason(body: LostReasonCreate, principal: Admin) -> LostReasonRead:
    return await stages.create_lost_reason(principal, body)


@router.patch("/lost-reasons/{reason_id}", response_model=LostReasonRead)
async def update_lost_reason(
    reason_id: Id, body: LostReasonUpdate, principal: Admin
) -> LostReasonRead:
    return await stages.update_lost_reason(principal, reason_id, body)


@router.get("/opportunities", response_model=OpportunityPage)
async def list_opportunities(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    stage_id: OptionalId = None,
    status: OpportunityStatus | None = None,
    owner_id: OptionalId = None,
    customer_id: OptionalId = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> OpportunityPage:
    f = OpportunityFilter(
        q=q, stage_id=stage_id, status=status, owner_id=owner_id, customer_id=customer_id
    )
    return await opportunities.list_opportunities(principal, f, page=page, page_size=page_size)


@router.get("/opportunities/funnel", response_model=list[FunnelRow])
async def funnel(principal: Viewer) -> list[FunnelRow]:
    return await reports.funnel(principal)


@router.get("/opportunities/forecast", response_model=ForecastRead)
async def forecast(
    principal: Viewer, since: date | None = None, until: date | None = None
) -> ForecastRead:
    """Weighted by stage probability; open opportunities with an expected close in the range."""
    return await reports.forecast(principal, since, until)


@router.post("/opportunities", response_model=OpportunityRead, status_code=201)
async def create_opportunity(body: OpportunityCreate, principal: Creator) -> OpportunityRead:
    return await opportunities.create_opportunity(principal, body)


@router.get("/opportunities/{opportunity_id}", response_model=OpportunityRead)
async def get_opportunity(opportunity_id: Id, principal: Viewer) -> OpportunityRead:
    return await opportunities.get_opportunity(principal, opportunity_id)


@router.patch("/opportunities/{opportunity_id}", response_model=OpportunityRead)
async def update_opportunity(
    opportunity_id: Id, body: OpportunityUpdate, principal: Editor
) -> OpportunityRead:
    """409 opportunity_closed once won or lost."""
    return await opportunities.update_opportunity(principal, opportunity_id, body)


@router.post("/opportunities/{opportunity_id}/stage", response_model=OpportunityRead)
async def move_stage(opportunity_id: Id, body: StageMove, principal: Editor) -> OpportunityRead:
    return await opportunities.move_stage(principal, opportunity_id, body.stage_id)


@router.post("/opportunities/{opportunity_id}/win", response_model=OpportunityRead)
async def win(opportunity_id: Id, principal: Editor) -> OpportunityRead:
    return await opportunities.win_opportunity(principal, opportunity_id)


@router.post("/opportunities/{opportunity_id}/lose", response_model=OpportunityRead)
async def lose(opportunity_id: Id, body: LoseRequest, principal: Editor) -> OpportunityRead:
    return await opportunities.lose_opportunity(principal, opportunity_id, body)


@router.get("/opportunities/{opportunity_id}/history", response_model=HistoryRead)
async def stage_history(opportunity_id: Id, principal: Viewer) -> HistoryRead:
    """Every stay in a stage with its duration, and the total time per stage."""
    return await opportunities.stage_history(principal, opportunity_id)
