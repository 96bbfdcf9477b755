"""Console: big-wheel activities, prizes, daily reports (大转盘)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.validation import Id
from crm_core.web.console import attempt, check_csrf, need, render
from loyalty.console import KIND_LABELS, STATUS_LABELS, Console, local_datetime, optional
from loyalty.coupons import service as coupons
from loyalty.lottery import service
from loyalty.lottery.models import Skin
from loyalty.lottery.schemas import ActivityCreate, PrizeCreate

router = APIRouter(prefix="/admin/loyalty")
SKIN_LABELS = {
    Skin.CLASSIC: "经典红",
    Skin.FESTIVAL: "节日喜庆",
    Skin.OCEAN: "海洋蓝",
    Skin.GOLD: "尊享金",
}


@router.get("/lotteries", response_class=HTMLResponse)
async def lottery_page(request: Request, principal: Console) -> Response:
    need(principal, "loyalty.lottery:view")
    return await render(
        request,
        "loyalty_lotteries.html",
        activities=await service.list_activities(),
        skins=SKIN_LABELS,
    )


@router.post("/lotteries")
async def lottery_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.lottery:create")
    form = await check_csrf(request)
    ints = (
        "free_draws_per_day",
        "points_per_draw",
        "max_draws_per_day",
        "max_draws_total",
        "max_wins",
    )
    values = optional(
        form.values("name", "skin", "rules_text", *ints, ints=ints),
        "max_draws_per_day",
        "max_draws_total",
        "max_wins",
    )
    values |= {
        "starts_at": local_datetime(form, "starts_at"),
        "ends_at": local_datetime(form, "ends_at"),
    }
    return await attempt(
        request,
        lambda: service.create_activity(principal, ActivityCreate(**values)),
        ok="活动已创建",
        back="/admin/loyalty/lotteries",
        form=form,
    )


@router.get("/lotteries/{activity_id}", response_class=HTMLResponse)
async def lottery_detail(activity_id: Id, request: Request, principal: Console) -> Response:
    need(principal, "loyalty.lottery:view")
    activity = await service.get_activity(activity_id)
    return await render(
        request,
        "loyalty_lottery.html",
        activity=activity,
        prizes=await service.list_prizes(activity_id),
        report=await service.daily_report(activity_id),
        templates=await coupons.list_templates(),
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        skins=SKIN_LABELS,
    )


@router.post("/lotteries/{activity_id}/prizes")
async def prize_create(activity_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.lottery:edit")
    form = await check_csrf(request)
    ints = ("weight", "stock", "points", "red_packet_fen", "coupon_template_id", "position")
    values = optional(form.values("name", "kind", *ints, ints=ints), "stock", "coupon_template_id")
    return await attempt(
        request,
        lambda: service.add_prize(principal, activity_id, PrizeCreate(**values)),
        ok="奖品已添加",
        back=f"/admin/loyalty/lotteries/{activity_id}",
        form=form,
    )
