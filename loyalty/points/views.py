"""Console: a member's points account, ledger and staff adjustment (会员积分)."""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.validation import Id
from crm_core.web.console import attempt, check_csrf, need, render
from loyalty.console import ENTRY_KIND_LABELS as KIND_NAMES
from loyalty.console import Console
from loyalty.points.schemas import AdjustmentCreate
from loyalty.points.service import accounts

router = APIRouter(prefix="/admin/loyalty")


@router.get("/points", response_class=HTMLResponse)
async def points_page(
    request: Request, principal: Console, member_id: Id | None = None
) -> Response:
    need(principal, "loyalty.points:view")
    account = entries = None
    if member_id is not None:
        account = await accounts.account_for_staff(principal, member_id)
        entries = await accounts.entries_for_staff(principal, member_id)
    return await render(
        request,
        "loyalty_points.html",
        member_id=member_id,
        account=account,
        entries=entries,
        kinds=KIND_NAMES,
        adjust_key=f"console-{secrets.token_hex(8)}",
    )


@router.post("/points/{member_id}/adjustments")
async def adjust(member_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.points:edit")
    form = await check_csrf(request)
    values = form.values("delta", "reason", "idempotency_key", ints=("delta",))
    return await attempt(
        request,
        lambda: accounts.adjust_points(principal, member_id, AdjustmentCreate(**values)),
        ok="积分已调整",
        back=f"/admin/loyalty/points?member_id={member_id}",
        form=form,
    )
