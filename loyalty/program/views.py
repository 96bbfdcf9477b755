"""Console: earn rules, tiers, check-in streak rewards and follow gifts (等级与规则)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.web.console import attempt, check_csrf, need, render
from loyalty.checkin import service as checkin
from loyalty.checkin.schemas import StreakRewardSet
from loyalty.console import Console, optional
from loyalty.coupons import service as coupons
from loyalty.gifts import service as gifts
from loyalty.gifts.schemas import FollowGiftCreate
from loyalty.program import service
from loyalty.program.schemas import ProgramUpdate, TierCreate

router = APIRouter(prefix="/admin/loyalty")
BACK = "/admin/loyalty/program"
PROGRAM_FIELDS = tuple(ProgramUpdate.model_fields)


@router.get("/program", response_class=HTMLResponse)
async def program_page(request: Request, principal: Console) -> Response:
    need(principal, "loyalty.program:view")
    return await render(
        request,
        "loyalty_program.html",
        program=await service.get_program(),
        tiers=await service.list_tiers(),
        streaks=await checkin.list_streak_rewards(),
        gifts=await gifts.list_follow_gifts(),
        templates=await coupons.list_templates(),
    )


@router.post("/program")
async def program_save(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.program:edit")
    form = await check_csrf(request)
    values = form.values(
        *PROGRAM_FIELDS, ints=tuple(f for f in PROGRAM_FIELDS if f != "tier_basis")
    )
    return await attempt(
        request,
        lambda: service.update_program(principal, ProgramUpdate(**values)),
        ok="积分规则已保存",
        back=BACK,
        form=form,
    )


@router.post("/tiers")
async def tier_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.program:edit")
    form = await check_csrf(request)
    ints = (
        "rank",
        "threshold",
        "multiplier_percent",
        "discount_percent",
        "birthday_points",
        "birthday_coupon_template_id",
    )
    values = optional(form.values("code", "name", *ints, ints=ints), "birthday_coupon_template_id")
    return await attempt(
        request,
        lambda: service.create_tier(principal, TierCreate(**values)),
        ok="等级已创建",
        back=BACK,
        form=form,
    )


@router.post("/streak-rewards")
async def streak_set(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.program:edit")
    form = await check_csrf(request)
    ints = ("streak_days", "points", "coupon_template_id")
    values = optional(form.values(*ints, ints=ints), "coupon_template_id")
    return await attempt(
        request,
        lambda: checkin.set_streak_reward(principal, StreakRewardSet(**values)),
        ok="签到奖励已保存",
        back=BACK,
        form=form,
    )


@router.post("/follow-gifts")
async def follow_gift_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.program:edit")
    form = await check_csrf(request)
    ints = ("qrcode_id", "points", "coupon_template_id")
    values = optional(
        form.values("name", "channel", *ints, ints=ints), "qrcode_id", "coupon_template_id"
    )
    return await attempt(
        request,
        lambda: gifts.create_follow_gift(principal, FollowGiftCreate(**values)),
        ok="关注礼已创建",
        back=BACK,
        form=form,
    )
