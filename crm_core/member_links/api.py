"""JSON API of member links: link, unlink (undo), and the conflicts staff settle."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crm_core.http import require
from crm_core.member_links import service
from crm_core.member_links.schemas import ConflictRead, LinkCreate, LinkRead
from crm_core.permissions import Principal
from crm_core.validation import Id

router = APIRouter(prefix="/api/v1", tags=["member-links"])
Viewer = Annotated[Principal, Depends(require("customers.member_link:view"))]
Editor = Annotated[Principal, Depends(require("customers.member_link:edit"))]


@router.put("/customers/{customer_id}/member-link", response_model=LinkRead)
async def link_member(customer_id: Id, body: LinkCreate, principal: Editor) -> LinkRead:
    """409 customer_has_member / member_linked_elsewhere; 404 for a member one may not see."""
    return await service.link_member(principal, customer_id, body.member_id)


@router.delete("/customers/{customer_id}/member-link", status_code=204)
async def unlink_member(
    customer_id: Id, principal: Editor, reason: Annotated[str, Query(max_length=255)] = ""
) -> None:
    """Undo: automatic runs will not link this pair again (a manual link will)."""
    await service.unlink_member(principal, customer_id, reason)


@router.get("/member-links/conflicts", response_model=list[ConflictRead])
async def list_conflicts(principal: Viewer) -> list[ConflictRead]:
    """Verified phones shared by several customers (关联冲突), as far as the caller's scope goes."""
    return await service.list_conflicts(principal)
