"""The loyalty JSON API under /api/v1/loyalty, assembled from the sub-domains' routers."""

from fastapi import APIRouter

import loyalty.permissions  # noqa: F401 - registers the loyalty resources
from loyalty.coupons.api import router as coupons
from loyalty.lottery.api import router as lottery
from loyalty.mall.api import router as mall
from loyalty.points.api import router as points
from loyalty.program.api import router as program
from loyalty.redpackets.api import router as red_packets

router = APIRouter(prefix="/api/v1/loyalty")
for _router in (points, program, coupons, lottery, mall, red_packets):
    router.include_router(_router)
