"""The loyalty JSON API under /api/v1/loyalty, assembled from the sub-domains' routers, and the
loyalty exports under /api/v1/exports."""

from fastapi import APIRouter, Depends, Response

import loyalty.permissions  # noqa: F401 - registers the loyalty resources
from crm_core.exports import export_response
from crm_core.http import require
from crm_core.permissions import Principal
from loyalty import exports
from loyalty.coupons.api import router as coupons
from loyalty.lottery.api import router as lottery
from loyalty.mall.api import router as mall
from loyalty.points.api import router as points
from loyalty.points.repository import tier_filter
from loyalty.program.api import router as program
from loyalty.redpackets.api import router as red_packets
from loyalty.timeline import loyalty_timeline
from members import service as members_service
from members import timeline

# What loyalty adds to the member screens: its timeline entries and the list's tier filter.
timeline.add_source(loyalty_timeline)
members_service.set_tier_filter(tier_filter)

api = APIRouter(prefix="/api/v1/loyalty")
for _router in (points, program, coupons, lottery, mall, red_packets):
    api.include_router(_router)
downloads = APIRouter(prefix="/api/v1/exports", tags=["exports"])


def can(permission: str) -> Principal:
    return Depends(require(permission))  # type: ignore[no-any-return]


@downloads.get("/points-entries.xlsx", response_class=Response)
async def export_points_entries(p: Principal = can("loyalty.points:export")) -> Response:
    body = await exports.export_points_entries(p, "xlsx")
    return export_response(body, "points-entries", "xlsx")


@downloads.get("/coupons.xlsx", response_class=Response)
async def export_coupons(p: Principal = can("loyalty.coupon:export")) -> Response:
    return export_response(await exports.export_coupons(p, "xlsx"), "coupons", "xlsx")


@downloads.get("/mall-orders.xlsx", response_class=Response)
async def export_mall_orders(p: Principal = can("loyalty.mall:export")) -> Response:
    return export_response(await exports.export_mall_orders(p, "xlsx"), "mall-orders", "xlsx")


@downloads.get("/lottery-awards.xlsx", response_class=Response)
async def export_awards(p: Principal = can("loyalty.lottery:export")) -> Response:
    return export_response(await exports.export_awards(p, "xlsx"), "lottery-awards", "xlsx")


router = APIRouter()
router.include_router(api)
router.include_router(downloads)
