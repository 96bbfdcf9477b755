"""Members JSON API under /api/v1/members: reads, profile, till card codes, merges; thin."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

import members.permissions  # noqa: F401 - registers the members resource
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id
from members import card_code, merge, profile, service
from members.schemas import (
    CardCodeResolve,
    MemberRead,
    MergeCreate,
    MergePreviewRead,
    MergeRead,
    ProfileRead,
    ProfileRewardRead,
    ProfileRewardSet,
    ProfileUpdate,
    ResolvedMemberRead,
)

router = APIRouter(prefix="/api/v1/members", tags=["members"])
Viewer = Annotated[Principal, Depends(require("members.member:view"))]
Editor = Annotated[Principal, Depends(require("members.member:edit"))]


@router.get("", response_model=list[MemberRead])
async def list_members(
    principal: Viewer,
    store_id: Id | None = None,
    guide_id: Id | None = None,
    phone: Annotated[str, Query(max_length=32)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> list[MemberRead]:
    rows, _ = await service.list_members(
        principal, store_id=store_id, guide_id=guide_id, phone=phone, page=page
    )
    return rows


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
