"""JSON API for the big wheel: activities, prizes, reports and prize fulfilment."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id
from loyalty.lottery import service
from loyalty.lottery.models import AwardStatus
from loyalty.lottery.schemas import (
    ActivityCreate,
    ActivityRead,
    AwardRead,
    DailyReportRow,
    FulfilmentUpdate,
    PrizeCreate,
    PrizeRead,
)

router = APIRouter(tags=["loyalty"])
View = Depends(require("loyalty.lottery:view"))


@router.get("/lotteries", response_model=list[ActivityRead])
async def list_activities(
    q: Annotated[str, Query(max_length=64)] = "", principal: Principal = View
) -> list[ActivityRead]:
    """`q`: part of the activity's name (the pickers)."""
    return await service.list_activities(q)


@router.get("/lotteries/{activity_id}", response_model=ActivityRead)
async def read_activity(activity_id: Id, principal: Principal = View) -> ActivityRead:
    return ActivityRead.model_validate(await service.get_activity(activity_id))


@router.post("/lotteries", response_model=ActivityRead, status_code=201)
async def create_activity(
    body: ActivityCreate, principal: Principal = Depends(require("loyalty.lottery:create"))
) -> ActivityRead:
    return await service.create_activity(principal, body)


@router.get("/lotteries/{activity_id}/prizes", response_model=list[PrizeRead])
async def list_prizes(activity_id: Id, principal: Principal = View) -> list[PrizeRead]:
    return await service.list_prizes(activity_id)


@router.post("/lotteries/{activity_id}/prizes", response_model=PrizeRead, status_code=201)
async def add_prize(
    activity_id: Id,
    body: PrizeCreate,
    principal: Principal = Depends(require("loyalty.lottery:edit")),
) -> PrizeRead:
    return await service.add_prize(principal, activity_id, body)


@router.get("/lotteries/{activity_id}/report", response_model=list[DailyReportRow])
async def daily_report(activity_id: Id, principal: Principal = View) -> list[DailyReportRow]:
    return await service.daily_report(activity_id)


@router.get("/lottery-awards", response_model=list[AwardRead])
async def list_awards(
    activity_id: Id | None = None, status: AwardStatus | None = None, principal: Principal = View
) -> list[AwardRead]:
    return await service.list_awards(principal, activity_id, status)


@router.patch("/lottery-awards/{award_id}", response_model=AwardRead)
async def update_fulfilment(
    award_id: Id,
    body: FulfilmentUpdate,
    principal: Principal = Depends(require("loyalty.lottery:edit")),
) -> AwardRead:
    return await service.update_fulfilment(principal, award_id, body)
