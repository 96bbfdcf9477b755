"""Member console pages: list, detail (profile, merge and its history), profile rewards; thin."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

import members.permissions  # noqa: F401 - registers the members resource
from crm_core.errors import CRMError
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber
from crm_core.web.console import (
    add_template_dir,
    attempt,
    check_csrf,
    console_principal,
    need,
    render,
)
from crm_core.web.nav import NavItem, add_nav
from members import center, h5kit, merge, profile, service, timeline
from members.card import mask
from members.models import ProfileField
from members.schemas import ProfileRewardSet, ProfileUpdate

router = APIRouter(prefix="/admin/members", include_in_schema=False)
Console = Annotated[Principal, Depends(console_principal)]
add_template_dir(Path(__file__).parent / "templates")
add_nav(
    NavItem(
        "会员",
        "Members",
        "会员列表",
        "Members",
        "/admin/members",
        "members.member:view",
        "UserFilled",
    )
)
add_nav(
    NavItem(
        "会员",
        "Members",
        "资料奖励",
        "Profile rewards",
        "/admin/members/profile-rewards",
        "members.member:view",
        "Postcard",
    )
)
add_nav(
    NavItem(
        "会员",
        "Members",
        "会员中心装修",
        "Member center look",
        "/admin/members/center",
        "members.center:view",
        "Brush",
    )
)
PROFILE_FIELDS = (
    "name",
    "gender",
    "birthday",
    "birthday_calendar",
    "province",
    "city",
    "district",
    "address",
)


@router.get("", response_class=HTMLResponse)
async def member_page(
    request: Request,
    principal: Console,
    page: PageNumber = 1,
    q: Annotated[str, Query(max_length=32)] = "",
    phone: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    """One search box (phone, card number or name); ``?phone=`` comes prefilled from the
    caller ID pop-up of an unknown number."""
    need(principal, "members.member:view")
    phone = q or phone
    rows, total = await service.list_members(principal, phone=phone, page=page)
    names = await service.names_for(rows)
    return await render(
        request,
        "members.html",
        rows=rows,
        total=total,
        page=page,
        names=names,
        phone=phone,
        mask=mask,
    )


async def _upload(request: Request, name: str) -> bytes | None:
    """The file of a multipart field, read no further than the size limit allows."""
    field = (await request.form()).get(name)
    if not isinstance(field, UploadFile) or not field.filename:
        return None
    return await field.read(center.MAX_IMAGE_BYTES + 1)


@router.get("/center", response_class=HTMLResponse)
async def center_page(request: Request, principal: Console) -> Response:
    need(principal, "members.center:view")
    return await render(
        request,
        "members_center.html",
        theme=await center.theme(),
        banners=await center.banners(active_only=False),
    )


@router.post("/center")
async def center_save(request: Request, principal: Console) -> Response:
    need(principal, "members.center:edit")
    form = await check_csrf(request)
    logo = await _upload(request, "logo")
    return await attempt(
        request,
        lambda: center.update_theme(
            principal,
            brand_name=form.get("brand_name"),
            primary_color=form.get("primary_color"),
            logo=logo,
            remove_logo=form.get("remove_logo") == "1",
        ),
        ok="会员中心外观已保存",
        back="/admin/members/center",
        form=form,
    )


@router.post("/center/banners")
async def banner_add(request: Request, principal: Console) -> Response:
    need(principal, "members.center:edit")
    form = await check_csrf(request)
    picture = await _upload(request, "image")

    async def add() -> None:
        if picture is None:
            raise center.ImageInvalidError("请选择轮播图图片")
        await center.add_banner(
            principal,
            picture=picture,
            title=form.get("title"),
            link=form.get("link"),
            position=form.optional_int("position") or 0,
        )

    return await attempt(request, add, ok="轮播图已添加", back="/admin/members/center", form=form)


@router.post("/center/banners/{banner_id}/delete")
async def banner_remove(request: Request, banner_id: Id, principal: Console) -> Response:
    need(principal, "members.center:edit")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: center.remove_banner(principal, banner_id),
        ok="轮播图已删除",
        back="/admin/members/center",
    )


@router.get("/profile-rewards", response_class=HTMLResponse)
async def rewards_page(request: Request, principal: Console) -> Response:
    need(principal, "members.member:view")
    configured = {r.field: r for r in await profile.list_profile_rewards()}
    return await render(
        request,
        "member_profile_rewards.html",
        fields=list(ProfileField),
        labels=profile.FIELD_LABELS,
        configured=configured,
    )


@router.post("/profile-rewards")
async def set_reward(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "members.member:edit")
    form = await check_csrf(request)
    values = form.values(
        "field", "points", "coupon_template_id", ints=("points", "coupon_template_id")
    )
    return await attempt(
        request,
        lambda: profile.set_profile_reward(principal, ProfileRewardSet(**values)),
        ok="资料奖励已保存",
        back="/admin/members/profile-rewards",
        form=form,
    )


@router.get("/{member_id}", response_class=HTMLResponse)
async def detail_page(
    request: Request,
    member_id: Id,
    principal: Console,
    merge_source: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    need(principal, "members.member:view")
    member, _ = await service.get_member(principal, member_id)
    preview = preview_error = None
    if merge_source and principal.can("members.member:edit"):
        try:
            preview = await merge.preview(principal, member_id, merge_source)
        except CRMError as error:
            preview_error = error.detail
    current = await profile.get_profile(member_id)
    return await render(
        request,
        "member_detail.html",
        member=member,
        timeline=await timeline.member_timeline(principal, member_id),
        summary=await h5kit.summary(member_id),
        profile=current,
        birthday_text=profile.birthday_text(current),
        merges=await merge.merges_of(member_id),
        merge_source=merge_source,
        preview=preview,
        preview_error=preview_error,
        names=await service.names_for([member]),
    )


@router.post("/{member_id}/profile")
async def edit_profile(request: Request, member_id: Id, principal: Console) -> RedirectResponse:
    need(principal, "members.member:edit")
    form = await check_csrf(request)
    values = form.values(*PROFILE_FIELDS)
    values["birthday_calendar"] = values["birthday_calendar"] or "solar"
    return await attempt(
        request,
        lambda: profile.update_profile_for_staff(principal, member_id, ProfileUpdate(**values)),
        ok="会员资料已保存",
        back=f"/admin/members/{member_id}",
        form=form,
    )


@router.post("/{member_id}/merges")
async def merge_member(request: Request, member_id: Id, principal: Console) -> RedirectResponse:
    need(principal, "members.member:edit")
    form = await check_csrf(request)
    return await attempt(
        request,
        lambda: merge.merge_members(
            principal, member_id, form.get("source"), reason=form.get("reason")[:255]
        ),
        ok="会员已合并",
        back=f"/admin/members/{member_id}",
        form=form,
    )


@router.post("/{member_id}/merges/{merge_id}/undo")
async def undo_merge(
    request: Request, member_id: Id, merge_id: Id, principal: Console
) -> RedirectResponse:
    need(principal, "members.member:edit")
    await check_csrf(request)
    return await attempt(
        request,
        lambda: merge.undo_merge(principal, merge_id),
        ok="已撤销合并",
        back=f"/admin/members/{member_id}",
    )
