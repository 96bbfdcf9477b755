"""Member pages (console) and JSON reads; thin."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import members.permissions  # noqa: F401 - registers the members resource
from crm_core.errors import PermissionDeniedError
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.web.console import (
    NavItem,
    add_nav,
    add_template_dir,
    attempt,
    check_csrf,
    console_principal,
    render,
)
from members import center, service
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


add_nav(NavItem("会员", "Members", "会员中心装修", "Member center look", "/admin/members/center",
                "members.center:view"))


async def _upload(request: Request, name: str) -> bytes | None:
    """The file of a multipart field, read no further than the size limit allows."""
    field = (await request.form()).get(name)
    if not isinstance(field, UploadFile) or not field.filename:
        return None
    return await field.read(center.MAX_IMAGE_BYTES + 1)


@router.get("/admin/members/center", response_class=HTMLResponse, include_in_schema=False)
async def center_page(request: Request, principal: Console) -> Response:
    if not principal.can("members.center:view"):
        raise PermissionDeniedError()
    return await render(request, "members_center.html", theme=await center.theme(),
                        banners=await center.banners(active_only=False))


@router.post("/admin/members/center", include_in_schema=False)
async def center_save(request: Request, principal: Console) -> Response:
    if not principal.can("members.center:edit"):
        raise PermissionDeniedError()
    form = await check_csrf(request)
    logo = await _upload(request, "logo")
    return await attempt(request, lambda: center.update_theme(
        principal, brand_name=form.get("brand_name"), primary_color=form.get("primary_color"),
        logo=logo, remove_logo=form.get("remove_logo") == "1"),
        ok="会员中心外观已保存", back="/admin/members/center", form=form)


@router.post("/admin/members/center/banners", include_in_schema=False)
async def banner_add(request: Request, principal: Console) -> Response:
    if not principal.can("members.center:edit"):
        raise PermissionDeniedError()
    form = await check_csrf(request)
    picture = await _upload(request, "image")

    async def add() -> None:
        if picture is None:
            raise center.ImageInvalidError("请选择轮播图图片")
        await center.add_banner(principal, picture=picture, title=form.get("title"),
                                link=form.get("link"), position=form.optional_int("position") or 0)

    return await attempt(request, add, ok="轮播图已添加", back="/admin/members/center", form=form)


@router.post("/admin/members/center/banners/{banner_id}/delete", include_in_schema=False)
async def banner_remove(request: Request, banner_id: int, principal: Console) -> Response:
    if not principal.can("members.center:edit"):
        raise PermissionDeniedError()
    await check_csrf(request)
    return await attempt(request, lambda: center.remove_banner(principal, banner_id),
                         ok="轮播图已删除", back="/admin/members/center")
