"""Members JSON API under /api/v1/members: reads, profile, till card codes, merges; thin."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from pydantic import AwareDatetime

import members.permissions  # noqa: F401 - registers the members resource
from crm_core.exports import export_response
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize
from members import card_code, center, detail, exports, merge, profile, service
from members.schemas import (
    BannerRead,
    CardCodeResolve,
    MemberDetailRead,
    MemberPage,
    MemberRead,
    MergeCreate,
    MergePreviewRead,
    MergeRead,
    ProfileRead,
    ProfileRewardRead,
    ProfileRewardSet,
    ProfileUpdate,
    ResolvedMemberRead,
    ThemeRead,
)

router = APIRouter(prefix="/api/v1/members", tags=["members"])
center_router = APIRouter(prefix="/api/v1/member-center", tags=["members"])
downloads = APIRouter(prefix="/api/v1/exports", tags=["exports"])
Viewer = Annotated[Principal, Depends(require("members.member:view"))]
Editor = Annotated[Principal, Depends(require("members.member:edit"))]


@router.get("", response_model=list[MemberRead])
async def list_members(
    principal: Viewer,
    store_id: Id | None = None,
    guide_id: Id | None = None,
    phone: Annotated[str, Query(max_length=32)] = "",
    q: Annotated[str, Query(max_length=32)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> list[MemberRead]:
    """`q` (or the older `phone`) is the one search box: phone or its digits, card number, name."""
    rows, _ = await service.list_members(
        principal, store_id=store_id, guide_id=guide_id, phone=q or phone, page=page
    )
    return rows


@router.get("/search", response_model=MemberPage)
async def search_members(
    principal: Viewer,
    q: Annotated[str, Query(max_length=32)] = "",
    store_id: Id | None = None,
    guide_id: Id | None = None,
    tier_id: Id | None = None,
    joined_from: AwareDatetime | None = None,
    joined_to: AwareDatetime | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 30,
) -> MemberPage:
    """The member list and picker with its total: phone or its digits, card number or name;
    filters by first store, first guide, loyalty tier and joining time (inclusive)."""
    rows, total = await service.list_members(
        principal,
        store_id=store_id,
        guide_id=guide_id,
        phone=q,
        tier_id=tier_id,
        joined_from=joined_from,
        joined_to=joined_to,
        page=page,
        page_size=page_size,
    )
    return MemberPage(items=rows, total=total, page=page, page_size=page_size)


@router.post("/card-code/resolve", response_model=ResolvedMemberRead)
async def resolve_card_code(body: CardCodeResolve, principal: Viewer) -> ResolvedMemberRead:
    """The till scans the member's dynamic code; expired or forged codes get card_code_invalid."""
    return ResolvedMemberRead.model_validate(await card_code.resolve(body.code))


@router.get("/profile-rewards", response_model=list[ProfileRewardRead])
async def list_profile_rewards(principal: Viewer) -> list[ProfileRewardRead]:
    return await profile.list_profile_rewards()


@router.put("/profile-rewards", response_model=ProfileRewardRead)
async def set_profile_reward(body: ProfileRewardSet, principal: Editor) -> ProfileRewardRead:
    return await profile.set_profile_reward(principal, body)


@router.post("/merges/{merge_id}/undo", response_model=MergeRead)
async def undo_merge(merge_id: Id, principal: Editor) -> MergeRead:
    return await merge.undo_merge(principal, merge_id)


@router.get("/{member_id}", response_model=MemberRead)
async def get_member(member_id: Id, principal: Viewer) -> MemberRead:
    member, _ = await service.get_member(principal, member_id)
    return member


@router.get("/{member_id}/detail", response_model=MemberDetailRead)
async def get_member_detail(member_id: Id, principal: Viewer) -> MemberDetailRead:
    return await detail.member_detail(principal, member_id)


@router.get("/{member_id}/profile", response_model=ProfileRead)
async def get_profile(member_id: Id, principal: Viewer) -> ProfileRead:
    await service.get_member(principal, member_id)
    return await profile.get_profile(member_id)


@router.put("/{member_id}/profile", response_model=ProfileRead)
async def update_profile(member_id: Id, body: ProfileUpdate, principal: Editor) -> ProfileRead:
    return await profile.update_profile_for_staff(principal, member_id, body)


@router.get("/{member_id}/merges", response_model=list[MergeRead])
async def list_merges(member_id: Id, principal: Viewer) -> list[MergeRead]:
    await service.get_member(principal, member_id)
    return await merge.merges_of(member_id)


@router.post("/{member_id}/merges/preview", response_model=MergePreviewRead)
async def preview_merge(member_id: Id, body: MergeCreate, principal: Editor) -> MergePreviewRead:
    return await merge.preview(principal, member_id, body.source)


@router.post("/{member_id}/merges", response_model=MergeRead, status_code=201)
async def merge_member(member_id: Id, body: MergeCreate, principal: Editor) -> MergeRead:
    """Merge the member named in `source` (id, phone or card number) into this one."""
    return await merge.merge_members(principal, member_id, body.source, reason=body.reason)


CenterViewer = Annotated[Principal, Depends(require("members.center:view"))]
CenterEditor = Annotated[Principal, Depends(require("members.center:edit"))]


def _theme(theme: center.Theme) -> ThemeRead:
    logo = center.asset_url(theme.logo_id) if theme.logo_id else None
    return ThemeRead(
        brand_name=theme.brand_name,
        primary_color=theme.primary_color,
        logo_id=theme.logo_id,
        logo_url=logo,
    )


def _banner(banner: center.Banner) -> BannerRead:
    return BannerRead(
        id=banner.id,
        image_id=banner.image_id,
        image_url=center.asset_url(banner.image_id),
        title=banner.title,
        link=banner.link,
        position=banner.position,
        is_active=banner.is_active,
    )


async def _picture(upload: UploadFile | None) -> bytes | None:
    """The uploaded file, read no further than one byte past the size limit."""
    if upload is None or not upload.filename:
        return None
    return await upload.read(center.MAX_IMAGE_BYTES + 1)


@center_router.get("/theme", response_model=ThemeRead)
async def get_theme(principal: CenterViewer) -> ThemeRead:
    return _theme(await center.theme())


@center_router.put("/theme", response_model=ThemeRead)
async def update_theme(
    principal: CenterEditor,
    brand_name: Annotated[str, Form(max_length=64)],
    primary_color: Annotated[str, Form(max_length=16)],
    remove_logo: Annotated[bool, Form()] = False,
    logo: Annotated[UploadFile | None, File()] = None,
) -> ThemeRead:
    """Multipart: a new `logo` (PNG/JPG/GIF/WebP, at most 1 MB) replaces the old one."""
    theme = await center.update_theme(
        principal,
        brand_name=brand_name,
        primary_color=primary_color,
        logo=await _picture(logo),
        remove_logo=remove_logo,
    )
    return _theme(theme)


@center_router.get("/banners", response_model=list[BannerRead])
async def list_banners(principal: CenterViewer) -> list[BannerRead]:
    return [_banner(b) for b in await center.banners(active_only=False)]


@center_router.post("/banners", response_model=BannerRead, status_code=201)
async def add_banner(
    principal: CenterEditor,
    image: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=64)] = "",
    link: Annotated[str, Form(max_length=512)] = "",
    position: Annotated[int, Form(ge=0, le=1000)] = 0,
) -> BannerRead:
    picture = await _picture(image)
    if picture is None:
        raise center.ImageInvalidError("请选择轮播图图片")
    banner = await center.add_banner(
        principal, picture=picture, title=title, link=link, position=position
    )
    return _banner(banner)


@center_router.delete("/banners/{banner_id}", status_code=204)
async def remove_banner(banner_id: Id, principal: CenterEditor) -> Response:
    await center.remove_banner(principal, banner_id)
    return Response(status_code=204)


@downloads.get("/members.xlsx", response_class=Response)
async def export_members(
    q: Annotated[str, Query(max_length=32)] = "",
    principal: Principal = Depends(require("members.member:export")),
) -> Response:
    """The members in the caller's data scope (optionally those matching `q`), as Excel."""
    body = await exports.export_members(principal, "xlsx", q=q)
    return export_response(body, "members", "xlsx")


all_routers = APIRouter()
for _router in (router, center_router, downloads):
    all_routers.include_router(_router)
