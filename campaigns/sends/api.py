"""JSON API under /api/v1/campaigns: the delivery ledger and the routing dry run."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

import campaigns.permissions  # noqa: F401 - registers the campaigns resources
from campaigns.sends import service
from campaigns.sends.models import DeliveryStatus
from campaigns.sends.rules import Channel
from campaigns.sends.schemas import DeliveryPage, DryRunRequest, DryRunResult
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id

router = APIRouter(tags=["campaigns"])
View = Depends(require("campaigns.delivery:view"))


@router.get("/deliveries", response_model=DeliveryPage)
async def list_deliveries(
    status: DeliveryStatus | None = None,
    channel: Channel | None = None,
    kind: Annotated[str, Query(max_length=32)] = "",
    member_id: Id | None = None,
    intent_key: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    principal: Principal = View,
) -> DeliveryPage:
    return await service.list_deliveries(
        status=status.value if status else "",
        channel=channel.value if channel else "",
        kind=kind,
        member_id=member_id,
        intent_key=intent_key,
        page=page,
        page_size=page_size,
    )


@router.post("/dry-runs", response_model=DryRunResult)
async def dry_run(body: DryRunRequest, principal: Principal = View) -> DryRunResult:
    """How many of these members each channel would reach now, and why the rest would not."""
    return await service.dry_run(body)
