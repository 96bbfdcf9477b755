"""The loyalty console pages, assembled from the sub-domains' routers, with their menus."""

from pathlib import Path

from fastapi import APIRouter

import loyalty.permissions  # noqa: F401 - registers the loyalty resources
from crm_core.web.console import add_template_dir
from loyalty.coupons.views import router as coupons
from loyalty.lottery.views import router as lottery
from loyalty.mall.views import router as mall
from loyalty.points.views import router as points
from loyalty.program.views import router as program
from loyalty.redpackets.views import router as red_packets
from loyalty.timeline import loyalty_timeline
from members import timeline

router = APIRouter(include_in_schema=False)
for _router in (points, program, coupons, lottery, mall, red_packets):
    router.include_router(_router)
add_template_dir(Path(__file__).parent / "templates")
timeline.add_source(loyalty_timeline)
