"""Analytics JSON API: the workbench (工作台) the console opens on."""

from fastapi import APIRouter

from analytics.schemas import WorkbenchRead
from analytics.workbench import service
from crm_core.http import ApiPrincipal

router = APIRouter(prefix="/api/v1", tags=["analytics"])


@router.get("/workbench", response_model=WorkbenchRead, response_model_exclude_none=True)
async def workbench(principal: ApiPrincipal) -> WorkbenchRead:
    """Any signed-in staff member; each section and metric appears only with the permission
    behind it (fans, members, orders, points, QR codes, lotteries, coupons), within the caller's
    data scope. Sales in fen."""
    return await service.workbench(principal)
