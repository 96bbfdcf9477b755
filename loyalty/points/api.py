"""JSON API for a member's points: account, ledger, redemption at the till, staff adjustment."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize
from loyalty.points.schemas import (
    AccountRead,
    AdjustmentCreate,
    EntryPage,
    EntryRead,
    MemberAccountPage,
    RedemptionCreate,
)
from loyalty.points.service import accounts

router = APIRouter(tags=["loyalty"])


@router.get("/accounts", response_model=MemberAccountPage)
async def list_accounts(
    q: Annotated[str, Query(max_length=32)] = "",
    page: PageNumber = 1,
    page_size: PageSize = 30,
    principal: Principal = Depends(require("loyalty.points:view")),
) -> MemberAccountPage:
    """The points page: members in scope with balances; `q` is name, phone or card number."""
    return await accounts.list_accounts(principal, q=q, page=page, page_size=page_size)


@router.get("/members/{member_id}/account", response_model=AccountRead)
async def get_account(
    member_id: Id, principal: Principal = Depends(require("loyalty.points:view"))
) -> AccountRead:
    return await accounts.account_for_staff(principal, member_id)


@router.get("/members/{member_id}/entries", response_model=EntryPage)
async def list_entries(
    member_id: Id,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    principal: Principal = Depends(require("loyalty.points:view")),
) -> EntryPage:
    return await accounts.entries_for_staff(principal, member_id, page=page)


@router.post("/members/{member_id}/redemptions", response_model=EntryRead, status_code=201)
async def redeem(
    member_id: Id,
    body: RedemptionCreate,
    principal: Principal = Depends(require("loyalty.points:create")),
) -> EntryRead:
    return await accounts.redeem_for_staff(
        principal, member_id, body.points, key=body.idempotency_key, reason=body.reason
    )


@router.post("/members/{member_id}/adjustments", response_model=EntryRead, status_code=201)
async def adjust(
    member_id: Id,
    body: AdjustmentCreate,
    principal: Principal = Depends(require("loyalty.points:edit")),
) -> EntryRead:
    return await accounts.adjust_points(principal, member_id, body)
