"""JSON API under /api/v1/orders: B2B orders drawn from contracts (seed 2.1.7), their payment
proof and delivery notes. Review goes through /api/v1/approvals (kind "order")."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

import crm_core.sales.orders.permissions  # noqa: F401 - registers the order resources
from crm_core import storage
from crm_core.http import content_disposition, require
from crm_core.permissions import Principal
from crm_core.sales.orders.models import ContractOrderStatus
from crm_core.sales.orders.schemas import (
    ContractOrderCreate,
    ContractOrderPage,
    ContractOrderRead,
    DeliveryNoteCreate,
    OrderableLine,
)
from crm_core.sales.orders.service import deliveries, orders
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])
Viewer = Annotated[Principal, Depends(require("sales.b2b_order:view"))]
Creator = Annotated[Principal, Depends(require("sales.b2b_order:create"))]
Shipper = Annotated[Principal, Depends(require("sales.delivery:create"))]
FILE_TYPES: dict[str, dict[str, object]] = {t: {} for t in storage.SIGNATURES}


@router.get("", response_model=ContractOrderPage)
async def list_orders(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    status: ContractOrderStatus | None = None,
    contract_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> ContractOrderPage:
    return await orders.list_orders(
        principal, q, status, contract_id, customer_id, page=page, page_size=page_size
    )


@router.get("/contract-lines/{contract_id}", response_model=list[OrderableLine])
async def orderable_lines(contract_id: Id, principal: Creator) -> list[OrderableLine]:
    """The contract's lines with the quantities already ordered and still orderable."""
    return await orders.orderable_lines(principal, contract_id)


@router.post("", response_model=ContractOrderRead, status_code=201)
async def create_order(
    principal: Creator,
    order: Annotated[str, Form(description="ContractOrderCreate as JSON")],
    proof: Annotated[UploadFile, File(description="客户打款凭证: PDF or image, ≤ 20 MB")],
) -> ContractOrderRead:
    """409 order_exceeds_contract / order_contract_not_orderable / approver_not_found; the
    order is submitted for review in the same transaction."""
    try:
        data = ContractOrderCreate.model_validate_json(order)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None
    body = await proof.read(storage.MAX_BYTES + 1)
    return await orders.create_order(principal, data, proof.filename or "", body)


@router.get("/{contract_order_id}", response_model=ContractOrderRead)
async def get_order(contract_order_id: Id, principal: Viewer) -> ContractOrderRead:
    return await orders.get_order(principal, contract_order_id)


@router.get(
    "/{contract_order_id}/proof",
    response_class=Response,
    responses={200: {"content": FILE_TYPES, "description": "The payment proof's bytes"}},
)
async def download_proof(contract_order_id: Id, principal: Viewer) -> Response:
    name, content_type, body = await orders.proof_of(principal, contract_order_id)
    return Response(body, media_type=content_type, headers=content_disposition(name))


@router.post("/{contract_order_id}/deliveries", response_model=ContractOrderRead, status_code=201)
async def create_delivery(
    contract_order_id: Id, body: DeliveryNoteCreate, principal: Shipper
) -> ContractOrderRead:
    """409 delivery_exceeds_order when a line would ship more than ordered."""
    return await deliveries.create_delivery(principal, contract_order_id, body)
