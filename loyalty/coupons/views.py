"""Console: coupon templates, issuing by hand, verification at the store (优惠券)."""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crm_core.web.console import attempt, check_csrf, need, render
from loyalty.console import KIND_LABELS, Console, local_datetime, optional
from loyalty.coupons import service
from loyalty.coupons.schemas import TemplateCreate, VerifyCreate

router = APIRouter(prefix="/admin/loyalty")
BACK = "/admin/loyalty/coupons"


@router.get("/coupons", response_class=HTMLResponse)
async def coupon_page(request: Request, principal: Console) -> Response:
    need(principal, "loyalty.coupon:view")
    return await render(
        request,
        "loyalty_coupons.html",
        templates=await service.list_templates(),
        kinds=KIND_LABELS,
        issue_key=f"console-{secrets.token_hex(8)}",
    )


@router.post("/coupon-templates")
async def template_create(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.coupon:create")
    form = await check_csrf(request)
    ints = (
        "amount_off_fen",
        "discount_percent",
        "threshold_fen",
        "valid_days",
        "stock",
        "per_member_limit",
    )
    values = optional(
        form.values(
            "name", "kind", "gift_name", *ints, "claimable", ints=ints, bools=("claimable",)
        ),
        "valid_days",
        "stock",
    )
    if form.get("valid_until"):
        values["valid_until"] = local_datetime(form, "valid_until")
    values["store_ids"] = [
        int(v) for v in form.get("store_ids").split(",") if v.strip().isdecimal()
    ]
    return await attempt(
        request,
        lambda: service.create_template(principal, TemplateCreate(**values)),
        ok="券模板已创建",
        back=BACK,
        form=form,
    )


@router.post("/coupon-issues")
async def issue(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.coupon:assign")
    form = await check_csrf(request)
    template_id, member_id = form.optional_int("template_id"), form.optional_int("member_id")
    return await attempt(
        request,
        lambda: service.issue_for_staff(
            principal, template_id or 0, member_id or 0, form.get("idempotency_key")
        ),
        ok="已发券",
        back=BACK,
        form=form,
    )


@router.post("/coupon-verifications")
async def verify(request: Request, principal: Console) -> RedirectResponse:
    need(principal, "loyalty.coupon:edit")
    form = await check_csrf(request)
    values = optional(
        form.values(
            "code",
            "store_id",
            "order_amount_fen",
            "order_no",
            ints=("store_id", "order_amount_fen"),
        ),
        "order_amount_fen",
    )
    return await attempt(
        request,
        lambda: service.verify_coupon(principal, VerifyCreate(**values)),
        ok="核销成功",
        back=BACK,
        form=form,
    )
