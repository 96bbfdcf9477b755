"""Member pages (console) and JSON reads; thin."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

import members.permissions  # noqa: F401 - registers the members resource
from crm_core.errors import PermissionDeniedError
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.web.console import NavItem, add_nav, add_template_dir, console_principal, render
from members import service
from members.card import mask
from members.schemas import MemberRead

router = APIRouter()
Console = Annotated[Principal, Depends(console_principal)]
add_template_dir(Path(__file__).parent / "templates")
add_nav(NavItem("会员", "Members", "会员列表", "Members", "/admin/members", "members.member:view"))


@router.get("/api/v1/members", response_model=list[MemberRead], tags=["members"])
async def list_members(store_id: int | None = None, guide_id: int | None = None,
                       phone: Annotated[str, Query(max_length=32)] = "",
                       page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                       principal: Principal = Depends(require("members.member:view")),
                       ) -> list[MemberRead]:
    rows, _ = await service.list_members(principal, store_id=store_id, guide_id=guide_id,
                                         phone=phone, page=page)
    return rows


@router.get("/api/v1/members/{member_id}", response_model=MemberRead, tags=["members"])
async def get_member(member_id: int,
                     principal: Principal = Depends(require("members.member:view")),
                     ) -> MemberRead:
    member, _ = await service.get_member(principal, member_id)
    return member


@router.get("/admin/members", response_class=HTMLResponse, include_in_schema=False)
async def member_page(request: Request, principal: Console,
                      page: Annotated[int, Query(ge=1)] = 1,
                      phone: Annotated[str, Query(max_length=32)] = "") -> Response:
    """``?phone=`` comes prefilled from the caller ID pop-up of an unknown number."""
    if not principal.can("members.member:view"):
        raise PermissionDeniedError()
    rows, total = await service.list_members(principal, phone=phone, page=page)
    names = await service.names_for(rows)
    return await render(request, "members.html", rows=rows, total=total, page=page,
                        names=names, phone=phone, mask=mask)
