"""JSON API under /api/v1/approvals: kinds, flows, requests and their decisions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

import crm_core.approvals.permissions  # noqa: F401 - registers the approval resources
from crm_core.approvals.models import RequestStatus
from crm_core.approvals.schemas import (
    Box,
    Decision,
    Delegation,
    FlowRead,
    FlowUpdate,
    KindRead,
    Refusal,
    RequestCreate,
    RequestDetail,
    RequestPage,
    Resubmission,
    Withdrawal,
)
from crm_core.approvals.service import decisions, flows, requests
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/approvals", tags=["approvals"])
Viewer = Annotated[Principal, Depends(require("approvals.request:view"))]
Requester = Annotated[Principal, Depends(require("approvals.request:create"))]
FlowViewer = Annotated[Principal, Depends(require("approvals.flow:view"))]
FlowEditor = Annotated[Principal, Depends(require("approvals.flow:edit"))]
Kind = Annotated[str, Query(max_length=32)]


@router.get("/kinds", response_model=list[KindRead])
async def list_kinds(principal: Viewer) -> list[KindRead]:
    return flows.list_kinds()


@router.get("/flows", response_model=list[FlowRead])
async def list_flows(principal: FlowViewer) -> list[FlowRead]:
    """Every approvable kind with its flow (the seed's default until someone saves one)."""
    return await flows.list_flows()


@router.put("/flows/{kind}", response_model=FlowRead)
async def save_flow(kind: str, body: FlowUpdate, principal: FlowEditor) -> FlowRead:
    return await flows.save_flow(principal, kind, body)


@router.get("/requests", response_model=RequestPage)
async def list_requests(
    principal: Viewer,
    box: Box = "all",
    kind: Kind = "",
    record_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: RequestStatus | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> RequestPage:
    """box: todo (待我审批), mine (我发起的), done (已处理), all (in my data scope)."""
    return await requests.list_requests(
        principal,
        box,
        kind=kind or None,
        record_id=record_id,
        status=status,
        page=page,
        page_size=page_size,
    )


@router.post("/requests", response_model=RequestDetail, status_code=201)
async def submit_request(body: RequestCreate, principal: Requester) -> RequestDetail:
    """409 approval_already_open, record_locked or approver_not_found."""
    return await requests.submit_request(principal, body)


@router.get("/requests/{request_id}", response_model=RequestDetail)
async def get_request(request_id: Id, principal: Viewer) -> RequestDetail:
    return await requests.get_request(principal, request_id)


@router.post("/requests/{request_id}/approve", response_model=RequestDetail)
async def approve(request_id: Id, body: Decision, principal: Viewer) -> RequestDetail:
    """409 approval_stale when someone decided first (compare-and-set on step and version)."""
    return await decisions.approve(principal, request_id, body)


@router.post("/requests/{request_id}/reject", response_model=RequestDetail)
async def reject(request_id: Id, body: Refusal, principal: Viewer) -> RequestDetail:
    return await decisions.refuse(principal, request_id, body, give_back=False)


@router.post("/requests/{request_id}/return", response_model=RequestDetail)
async def return_for_changes(request_id: Id, body: Refusal, principal: Viewer) -> RequestDetail:
    return await decisions.refuse(principal, request_id, body, give_back=True)


@router.post("/requests/{request_id}/delegate", response_model=RequestDetail)
async def delegate(request_id: Id, body: Delegation, principal: Viewer) -> RequestDetail:
    return await decisions.delegate(principal, request_id, body)


@router.post("/requests/{request_id}/withdraw", response_model=RequestDetail)
async def withdraw(request_id: Id, body: Withdrawal, principal: Requester) -> RequestDetail:
    return await requests.withdraw_request(principal, request_id, body)


@router.post("/requests/{request_id}/resubmit", response_model=RequestDetail)
async def resubmit(request_id: Id, body: Resubmission, principal: Requester) -> RequestDetail:
    return await requests.resubmit_request(principal, request_id, body)
