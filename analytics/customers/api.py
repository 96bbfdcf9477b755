"""Customer analysis JSON API: RFM classes, churn, acquisition (in the caller's data scope)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

import analytics.customers.permissions  # noqa: F401 - registers the permissions
from analytics.customers import service
from analytics.customers.schemas import AcquisitionRow, ChurnRead, ClassCount, RfmMemberPage
from crm_core.http import require
from crm_core.permissions import Principal

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
Viewer = Annotated[Principal, Depends(require("analytics.customer:view"))]
RfmClass = Literal[
    "",
    "important_value",
    "important_develop",
    "important_keep",
    "important_retain",
    "general_value",
    "general_develop",
    "general_keep",
    "general_retain",
]
Page = Annotated[int, Query(ge=1, le=10_000)]


@router.get("/rfm/classes", response_model=list[ClassCount])
async def rfm_classes(principal: Viewer) -> list[ClassCount]:
    """Members and net spend (fen) per RFM class, as of the last nightly rebuild."""
    return await service.class_counts(principal)


@router.get("/rfm/members", response_model=RfmMemberPage)
async def rfm_members(principal: Viewer, rfm_class: RfmClass = "", page: Page = 1) -> RfmMemberPage:
    """Members of a class (all when empty), biggest spenders first; phones masked."""
    return await service.class_members(principal, rfm_class, page)


@router.get("/churn", response_model=ChurnRead)
async def churn(principal: Viewer) -> ChurnRead:
    return await service.churn(principal)


@router.get("/churn/risk", response_model=RfmMemberPage)
async def churn_risk(principal: Viewer, page: Page = 1) -> RfmMemberPage:
    return await service.risk_members(principal, page)


@router.get("/acquisition", response_model=list[AcquisitionRow])
async def acquisition(
    principal: Viewer,
    by: Literal["channel", "store", "guide"] = "channel",
    months: Annotated[int, Query(ge=1, le=36)] = 12,
) -> list[AcquisitionRow]:
    """New members per month by first channel, store or guide."""
    return await service.acquisition(principal, by, months)
