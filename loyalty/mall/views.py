"""Console: points-mall items and the fulfilment of prizes and exchanges (积分商城、履约)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.validation import Id
from crm_core.web.console import attempt, check_csrf, need, render
from loyalty.console import KIND_LABELS, STATUS_LABELS, Console, optional
from loyalty.coupons import service as coupons
from loyalty.lottery import service as lottery
from loyalty.lottery.models import AwardStatus
from loyalty.lottery.schemas import FulfilmentUpdate
from loyalty.mall import service
from loyalty.mall.models import ExchangeStatus
from loyalty.mall.schemas import ExchangeUpdate, ItemCreate

router = APIRouter(prefix="/admin/loyalty")
FULFILMENT = "/admin/loyalty/fulfilment"


@router.get("/mall", response_class=HTMLResponse)
async def mall_page(request: Request, principal: Console) -> Response:
    need(principal, "loyalty.mall:view")
    return await render(
        request,
        "loyalty_mall.html",
        items=await service.list_items(),
        templates=await coupons.list_templates(),
        kinds=KIND_LABELS,
    )


@router.post("/mall/items")
async def item_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.mall:create")
    form = await check_csrf(request)
    ints = ("points_price", "stock", "per_member_limit", "coupon_template_id", "red_packet_fen")
    values = optional(
        form.values("name", "kind", "description", "image_url", *ints, ints=ints),
        "per_member_limit",
        "coupon_template_id",
    )
    return await attempt(
        request,
        lambda: service.create_item(principal, ItemCreate(**values)),
        ok="商品已上架",
        back="/admin/loyalty/mall",
        form=form,
    )


@router.get("/fulfilment", response_class=HTMLResponse)
async def fulfilment_page(request: Request, principal: Console) -> Response:
    need(principal, "loyalty.mall:view")
    awards = [
        a
        for status in (
            AwardStatus.AWAITING_SHIPMENT,
            AwardStatus.AWAITING_ADDRESS,
            AwardStatus.SHIPPED,
        )
        for a in await lottery.list_awards(principal, status=status)
    ]
    exchanges = [
        o
        for status in (ExchangeStatus.AWAITING_SHIPMENT, ExchangeStatus.SHIPPED)
        for o in await service.list_exchanges(principal, status)
    ]
    return await render(
        request,
        "loyalty_fulfilment.html",
        awards=awards,
        exchanges=exchanges,
        statuses=STATUS_LABELS,
    )


@router.post("/fulfilment/awards/{award_id}")
async def award_update(award_id: Id, request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.lottery:edit")
    form = await check_csrf(request)
    values = form.values("status", "tracking_no")
    return await attempt(
        request,
        lambda: lottery.update_fulfilment(principal, award_id, FulfilmentUpdate(**values)),
        ok="已更新发货状态",
        back=FULFILMENT,
    )


@router.post("/fulfilment/exchanges/{exchange_id}")
async def exchange_update(
    exchange_id: Id, request: Request, principal: Console
) -> RedirectResponse:
    need(principal, "loyalty.mall:edit")
    form = await check_csrf(request)
    values = form.values("status", "tracking_no")
    return await attempt(
        request,
        lambda: service.update_exchange(principal, exchange_id, ExchangeUpdate(**values)),
        ok="已更新发货状态",
        back=FULFILMENT,
    )
