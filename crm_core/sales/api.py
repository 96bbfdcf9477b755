"""JSON API for tills and shops: record orders and refunds."""

from fastapi import APIRouter, Depends, Response

import crm_core.sales.permissions  # noqa: F401 - registers the sales resources
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.sales import service
from crm_core.sales.schemas import OrderCreate, OrderRead, RefundCreate, RefundRead
from crm_core.validation import Id

router = APIRouter(prefix="/api/v1/sales", tags=["sales"])


@router.post("/orders", response_model=OrderRead, status_code=201)
async def record_order(
    body: OrderCreate,
    response: Response,
    principal: Principal = Depends(require("sales.order:create")),
) -> OrderRead:
    order, created = await service.record_order(principal, body)
    if not created:
        response.status_code = 200
    return order


@router.get("/orders/{order_id}", response_model=OrderRead)
async def get_order(
    order_id: Id, principal: Principal = Depends(require("sales.order:view"))
) -> OrderRead:
    return await service.get_order(principal, order_id)


@router.post("/orders/{order_id}/refunds", response_model=RefundRead, status_code=201)
async def record_refund(
    order_id: Id,
    body: RefundCreate,
    response: Response,
    principal: Principal = Depends(require("sales.order:edit")),
) -> RefundRead:
    refund, created = await service.record_refund(principal, order_id, body)
    if not created:
        response.status_code = 200
    return refund
