"""JSON API under /api/v1/customers: customers, contacts, follow-ups, transfers, imports."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from pydantic import AwareDatetime

import crm_core.customers.permissions  # noqa: F401 - registers the customer resources
from crm_core.customers.models import CustomerLevel, CustomerSource
from crm_core.customers.schemas import (
    ContactCreate,
    ContactRead,
    ContactUpdate,
    CustomerCreate,
    CustomerFilter,
    CustomerPage,
    CustomerRead,
    CustomerUpdate,
    FollowUpCreate,
    FollowUpRead,
    ImportResult,
    TransferCreate,
    TransferRead,
    TransferResult,
)
from crm_core.customers.service import customers, imports, records, transfers
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])
Viewer = Annotated[Principal, Depends(require("customers.customer:view"))]
Creator = Annotated[Principal, Depends(require("customers.customer:create"))]
Editor = Annotated[Principal, Depends(require("customers.customer:edit"))]
Assigner = Annotated[Principal, Depends(require("customers.customer:assign"))]


@router.get("", response_model=CustomerPage)
async def list_customers(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    level: CustomerLevel | None = None,
    source: CustomerSource | None = None,
    owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    tag: Annotated[str, Query(max_length=16)] = "",
    next_contact_before: AwareDatetime | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> CustomerPage:
    """Search by a name fragment or a whole phone number; phones masked per the caller."""
    f = CustomerFilter(
        q=q,
        level=level,
        source=source,
        owner_id=owner_id,
        tag=tag,
        next_contact_before=next_contact_before,
    )
    return await customers.list_customers(principal, f, page=page, page_size=page_size)


@router.post("", response_model=CustomerRead, status_code=201)
async def create_customer(body: CustomerCreate, principal: Creator) -> CustomerRead:
    """409 customer_duplicate when the phone and name are already a customer's."""
    return await customers.create_customer(principal, body)


@router.post("/transfers", response_model=TransferResult)
async def transfer_customers(body: TransferCreate, principal: Assigner) -> TransferResult:
    return await transfers.transfer_customers(principal, body)


@router.post("/imports", response_model=ImportResult)
async def import_customers(
    principal: Creator,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> ImportResult:
    """CSV (UTF-8 or GBK) or .xlsx, header row first; at most 2,000 rows and 2 MB (413)."""
    body = await file.read(imports.MAX_BYTES + 1)
    rows = imports.parse_file(file.filename or "", body)
    return await imports.import_customers(principal, rows, dry_run=dry_run)


@router.get("/{customer_id}", response_model=CustomerRead)
async def get_customer(customer_id: Id, principal: Viewer) -> CustomerRead:
    return await customers.get_customer(principal, customer_id)


@router.patch("/{customer_id}", response_model=CustomerRead)
async def update_customer(customer_id: Id, body: CustomerUpdate, principal: Editor) -> CustomerRead:
    return await customers.update_customer(principal, customer_id, body)


@router.get("/{customer_id}/contacts", response_model=list[ContactRead])
async def list_contacts(customer_id: Id, principal: Viewer) -> list[ContactRead]:
    return await records.list_contacts(principal, customer_id)


@router.post("/{customer_id}/contacts", response_model=ContactRead, status_code=201)
async def create_contact(customer_id: Id, body: ContactCreate, principal: Editor) -> ContactRead:
    return await records.create_contact(principal, customer_id, body)


@router.patch("/{customer_id}/contacts/{contact_id}", response_model=ContactRead)
async def update_contact(
    customer_id: Id, contact_id: Id, body: ContactUpdate, principal: Editor
) -> ContactRead:
    return await records.update_contact(principal, customer_id, contact_id, body)


@router.get("/{customer_id}/follow-ups", response_model=list[FollowUpRead])
async def list_follow_ups(customer_id: Id, principal: Viewer) -> list[FollowUpRead]:
    return await records.list_follow_ups(principal, customer_id)


@router.post("/{customer_id}/follow-ups", response_model=FollowUpRead, status_code=201)
async def add_follow_up(customer_id: Id, body: FollowUpCreate, principal: Editor) -> FollowUpRead:
    return await records.add_follow_up(principal, customer_id, body)


@router.get("/{customer_id}/transfers", response_model=list[TransferRead])
async def list_transfers(customer_id: Id, principal: Viewer) -> list[TransferRead]:
    return await transfers.list_transfers(principal, customer_id)
