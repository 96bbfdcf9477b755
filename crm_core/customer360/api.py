"""JSON API of the customer 360 view."""

from typing import Annotated

from fastapi import APIRouter, Depends

from crm_core.customer360 import service
from crm_core.customer360.schemas import Customer360
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])
Viewer = Annotated[Principal, Depends(require("customers.customer:view"))]


@router.get("/{customer_id}/overview", response_model=Customer360)
async def customer_360(customer_id: Id, principal: Viewer) -> Customer360:
    """The customer, its member link and every registered section this caller may see."""
    return await service.customer_360(principal, customer_id)
