"""JSON API under /api/v1/sales/leads: leads and their conversion into customers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

import crm_core.sales.leads.permissions  # noqa: F401 - registers the lead resource
from crm_core.customers.models import CustomerSource
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.sales.leads import service
from crm_core.sales.leads.models import LeadStatus
from crm_core.sales.leads.schemas import (
    ConversionRead,
    LeadConvert,
    LeadCreate,
    LeadFilter,
    LeadFollowUpCreate,
    LeadFollowUpRead,
    LeadPage,
    LeadRead,
    LeadUpdate,
)
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/sales/leads", tags=["leads"])
Viewer = Annotated[Principal, Depends(require("sales.lead:view"))]
Creator = Annotated[Principal, Depends(require("sales.lead:create"))]
Editor = Annotated[Principal, Depends(require("sales.lead:edit"))]


@router.get("", response_model=LeadPage)
async def list_leads(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    status: LeadStatus | None = None,
    source: CustomerSource | None = None,
    owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> LeadPage:
    """Search by a name or company fragment; phones masked per the caller."""
    f = LeadFilter(q=q, status=status, source=source, owner_id=owner_id)
    return await service.list_leads(principal, f, page=page, page_size=page_size)


@router.post("", response_model=LeadRead, status_code=201)
async def create_lead(body: LeadCreate, principal: Creator) -> LeadRead:
    return await service.create_lead(principal, body)


@router.get("/{lead_id}", response_model=LeadRead)
async def get_lead(lead_id: Id, principal: Viewer) -> LeadRead:
    return await service.get_lead(principal, lead_id)


@router.patch("/{lead_id}", response_model=LeadRead)
async def update_lead(lead_id: Id, body: LeadUpdate, principal: Editor) -> LeadRead:
    return await service.update_lead(principal, lead_id, body)


@router.get("/{lead_id}/follow-ups", response_model=list[LeadFollowUpRead])
async def list_follow_ups(lead_id: Id, principal: Viewer) -> list[LeadFollowUpRead]:
    return await service.list_follow_ups(principal, lead_id)


@router.post("/{lead_id}/follow-ups", response_model=LeadFollowUpRead, status_code=201)
async def add_follow_up(
    lead_id: Id, body: LeadFollowUpCreate, principal: Editor
) -> LeadFollowUpRead:
    """A new lead becomes "contacted"; a converted one is followed up as a customer (409)."""
    return await service.add_follow_up(principal, lead_id, body)


@router.post("/{lead_id}/conversion", response_model=ConversionRead, status_code=201)
async def convert_lead(lead_id: Id, body: LeadConvert, principal: Editor) -> ConversionRead:
    """Customer + primary contact (+ opportunity) in one transaction. 409 lead_converted the
    second time; 409 customer_duplicate when the customer exists outside the caller's scope
    (an existing one in scope is attached instead)."""
    return await service.convert_lead(principal, lead_id, body)
