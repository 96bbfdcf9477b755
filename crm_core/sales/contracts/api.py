"""JSON API under /api/v1/contracts: contracts, their lifecycle and attachments. Review goes
through /api/v1/approvals (kind "contract")."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

import crm_core.sales.contracts.permissions  # noqa: F401 - registers the contract resource
from crm_core import storage
from crm_core.http import content_disposition, require
from crm_core.permissions import Principal
from crm_core.sales.contracts.schemas import (
    ContractFromQuote,
    ContractPage,
    ContractRead,
    ContractStatusChange,
    ContractWrite,
    ShownStatus,
)
from crm_core.sales.contracts.service import attachments, contracts
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/contracts", tags=["contracts"])
Viewer = Annotated[Principal, Depends(require("sales.contract:view"))]
Creator = Annotated[Principal, Depends(require("sales.contract:create"))]
Editor = Annotated[Principal, Depends(require("sales.contract:edit"))]
FILE_TYPES: dict[str, dict[str, object]] = {t: {} for t in storage.SIGNATURES}


@router.get("", response_model=ContractPage)
async def list_contracts(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    status: ShownStatus | None = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> ContractPage:
    """A number, title or customer name fragment; customers' phones masked per the caller."""
    return await contracts.list_contracts(
        principal, q, status, customer_id, page=page, page_size=page_size
    )


@router.post("", response_model=ContractRead, status_code=201)
async def create_contract(body: ContractWrite, principal: Creator) -> ContractRead:
    """Amounts are computed here; a line without unit_price_fen takes the SKU's price."""
    return await contracts.create_contract(principal, body)


@router.post("/from-quote", response_model=ContractRead, status_code=201)
async def create_from_quote(body: ContractFromQuote, principal: Creator) -> ContractRead:
    """A draft with the quote's customer, lines and discount (sent or accepted quotes only)."""
    return await contracts.create_from_quote(principal, body)


@router.get("/{contract_id}", response_model=ContractRead)
async def get_contract(contract_id: Id, principal: Viewer) -> ContractRead:
    return await contracts.get_contract(principal, contract_id)


@router.put("/{contract_id}", response_model=ContractRead)
async def update_contract(contract_id: Id, body: ContractWrite, principal: Editor) -> ContractRead:
    """Drafts only: 409 record_locked under review or once approved, contract_not_editable."""
    return await contracts.update_contract(principal, contract_id, body)


@router.post("/{contract_id}/status", response_model=ContractRead)
async def change_status(
    contract_id: Id, body: ContractStatusChange, principal: Editor
) -> ContractRead:
    """已通过 → 已签约 → 执行中 → 已完成, or 作废; approval itself happens in the approvals."""
    return await contracts.change_status(principal, contract_id, body)


@router.post("/{contract_id}/attachments", response_model=ContractRead, status_code=201)
async def upload_attachment(
    contract_id: Id, principal: Editor, file: Annotated[UploadFile, File()]
) -> ContractRead:
    """PDF, PNG, JPEG or WEBP (checked by content), at most 20 MB (413 file_too_large)."""
    body = await file.read(storage.MAX_BYTES + 1)
    return await attachments.upload(principal, contract_id, file.filename or "", body)


@router.get(
    "/{contract_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": FILE_TYPES, "description": "The attachment's bytes"}},
)
async def download_attachment(contract_id: Id, attachment_id: Id, principal: Viewer) -> Response:
    name, content_type, body = await attachments.download(principal, contract_id, attachment_id)
    return Response(body, media_type=content_type, headers=content_disposition(name))


@router.delete("/{contract_id}/attachments/{attachment_id}", response_model=ContractRead)
async def remove_attachment(contract_id: Id, attachment_id: Id, principal: Editor) -> ContractRead:
    return await attachments.remove(principal, contract_id, attachment_id)
