"""JSON API for programme configuration: earn rules, tiers, streak rewards, follow gifts."""

from fastapi import APIRouter, Depends

from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id
from loyalty.checkin import service as checkin
from loyalty.checkin.schemas import StreakRewardRead, StreakRewardSet
from loyalty.gifts import service as gifts
from loyalty.gifts.schemas import FollowGiftCreate, FollowGiftRead
from loyalty.program import service
from loyalty.program.schemas import ProgramRead, ProgramUpdate, TierCreate, TierRead, TierUpdate

router = APIRouter(tags=["loyalty"])
View = Depends(require("loyalty.program:view"))
Edit = Depends(require("loyalty.program:edit"))


@router.get("/program", response_model=ProgramRead)
async def get_program(principal: Principal = View) -> ProgramRead:
    return await service.get_program()


@router.put("/program", response_model=ProgramRead)
async def update_program(body: ProgramUpdate, principal: Principal = Edit) -> ProgramRead:
    return await service.update_program(principal, body)


@router.get("/tiers", response_model=list[TierRead])
async def list_tiers(principal: Principal = View) -> list[TierRead]:
    return await service.list_tiers()


@router.post("/tiers", response_model=TierRead, status_code=201)
async def create_tier(body: TierCreate, principal: Principal = Edit) -> TierRead:
    return await service.create_tier(principal, body)


@router.patch("/tiers/{tier_id}", response_model=TierRead)
async def update_tier(tier_id: Id, body: TierUpdate, principal: Principal = Edit) -> TierRead:
    return await service.update_tier(principal, tier_id, body)


@router.get("/streak-rewards", response_model=list[StreakRewardRead])
async def list_streak_rewards(principal: Principal = View) -> list[StreakRewardRead]:
    return await checkin.list_streak_rewards()


@router.put("/streak-rewards", response_model=StreakRewardRead)
async def set_streak_reward(body: StreakRewardSet, principal: Principal = Edit) -> StreakRewardRead:
    return await checkin.set_streak_reward(principal, body)


@router.get("/follow-gifts", response_model=list[FollowGiftRead])
async def list_follow_gifts(principal: Principal = View) -> list[FollowGiftRead]:
    return await gifts.list_follow_gifts()


@router.post("/follow-gifts", response_model=FollowGiftRead, status_code=201)
async def create_follow_gift(body: FollowGiftCreate, principal: Principal = Edit) -> FollowGiftRead:
    return await gifts.create_follow_gift(principal, body)
