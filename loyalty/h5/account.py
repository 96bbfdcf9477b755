"""/h5/member/benefits and /orders, and the summary the card page shows (points, tier)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crm_core.sales import service as sales
from crm_core.validation import Id
from loyalty.coupons import service as coupons
from loyalty.points.service import accounts
from loyalty.program import service as program
from loyalty.program.models import TierBasis
from members import h5kit

router = APIRouter()


def _to_go(standing: program.Standing) -> tuple[str, str]:
    """(amount, unit) still needed for the next tier, in the member's words."""
    if standing.basis == TierBasis.SPEND:
        return f"{-(-standing.to_next // 100)}", "元消费"
    return str(standing.to_next), "积分"


async def summary(member_id: Id) -> dict[str, Any]:
    standing = await program.standing(member_id)
    account, _ = await accounts.member_points(member_id, limit=1)
    amount, unit = _to_go(standing)
    unused = await coupons.unused_count(member_id)
    return {
        "points": account.balance,
        "coupons": unused,
        "tier_name": standing.tier.name if standing.tier else "",
        "next_tier_name": standing.next_tier.name if standing.next_tier else "",
        "to_next": amount,
        "unit": unit,
        "progress_percent": standing.progress_percent,
    }


async def profile_points() -> int:
    return (await program.program()).profile_points


@router.get("/benefits", response_class=HTMLResponse)
async def benefits(request: Request, me: h5kit.Me) -> Response:
    standing = await program.standing(me.member_id)
    amount, unit = _to_go(standing)
    return await h5kit.page(
        request,
        "member_benefits.html",
        csrf_token=me.csrf_token,
        standing=standing,
        tiers=await program.list_tiers(),
        to_go=amount,
        unit=unit,
    )


@router.get("/orders", response_class=HTMLResponse)
async def orders(request: Request, me: h5kit.Me) -> Response:
    found = await sales.orders_of_member(me.member_id)
    return await h5kit.page(
        request,
        "member_orders.html",
        csrf_token=me.csrf_token,
        orders=found,
        actions=await h5kit.order_actions(me.member_id, [o.id for o, _ in found]),
    )
