"""JSON API for the points mall: items, exchanges on a member's behalf, fulfilment."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id
from loyalty.mall import service
from loyalty.mall.models import ExchangeStatus
from loyalty.mall.schemas import (
    ExchangeCreate,
    ExchangeRead,
    ExchangeUpdate,
    ItemCreate,
    ItemRead,
    ItemUpdate,
)

router = APIRouter(prefix="/mall", tags=["loyalty"])
View = Depends(require("loyalty.mall:view"))
Edit = Depends(require("loyalty.mall:edit"))


@router.get("/items", response_model=list[ItemRead])
async def list_items(
    q: Annotated[str, Query(max_length=64)] = "", principal: Principal = View
) -> list[ItemRead]:
    """`q`: part of the item's name (the pickers)."""
    return await service.list_items(q=q)


@router.post("/items", response_model=ItemRead, status_code=201)
async def create_item(
    body: ItemCreate, principal: Principal = Depends(require("loyalty.mall:create"))
) -> ItemRead:
    return await service.create_item(principal, body)


@router.patch("/items/{item_id}", response_model=ItemRead)
async def update_item(item_id: Id, body: ItemUpdate, principal: Principal = Edit) -> ItemRead:
    """Edit an item: name, picture, points price, stock, limits, on/off sale (not its kind)."""
    return await service.update_item(principal, item_id, body)


@router.post("/items/{item_id}/exchanges", response_model=ExchangeRead, status_code=201)
async def exchange(item_id: Id, body: ExchangeCreate, principal: Principal = Edit) -> ExchangeRead:
    return await service.exchange_for_staff(principal, item_id, body)


@router.get("/orders", response_model=list[ExchangeRead])
async def list_exchanges(
    status: ExchangeStatus | None = None, principal: Principal = View
) -> list[ExchangeRead]:
    return await service.list_exchanges(principal, status)


@router.patch("/orders/{exchange_id}", response_model=ExchangeRead)
async def update_exchange(
    exchange_id: Id, body: ExchangeUpdate, principal: Principal = Edit
) -> ExchangeRead:
    return await service.update_exchange(principal, exchange_id, body)
