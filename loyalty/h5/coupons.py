"""/h5/member/coupons: my coupons (shown as a code the store scans) and the claim center."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from crm_core.errors import CRMError, NotFoundError
from crm_core.validation import Id
from crm_core.web.qr import svg
from loyalty.coupons import service as coupons
from loyalty.coupons.models import CouponStatus
from loyalty.errors import DuplicateRequestError
from members import h5kit

router = APIRouter()
TABS = {"unused": "可用", "used": "已使用", "expired": "已过期"}


@router.get("/coupons", response_class=HTMLResponse)
async def coupons_page(request: Request, me: h5kit.Me, tab: str = "unused") -> Response:
    tab = tab if tab in TABS else "unused"
    mine = await coupons.wallet(me.member_id)
    shown = [(c, t) for c, t in mine if c.status == CouponStatus(tab)]
    counts = {key: sum(1 for c, _ in mine if c.status == key) for key in TABS}
    return await h5kit.page(
        request,
        "member_coupons.html",
        csrf_token=me.csrf_token,
        tab=tab,
        tabs=TABS,
        counts=counts,
        coupons=shown,
        claimable=await coupons.claimable_for(me.member_id),
        claim_key=secrets.token_urlsafe(12),
    )


@router.get("/coupons/{coupon_id}", response_class=HTMLResponse)
async def coupon_page(request: Request, me: h5kit.Me, coupon_id: Id) -> Response:
    found = next(((c, t) for c, t in await coupons.wallet(me.member_id) if c.id == coupon_id), None)
    if found is None:
        raise NotFoundError("优惠券不存在")
    return await h5kit.page(
        request,
        "member_coupon.html",
        csrf_token=me.csrf_token,
        coupon=found[0],
        kind=found[1],
        qr=svg(found[0].code),
    )


@router.post("/coupons/claim/{template_id}")
async def claim(
    request: Request,
    template_id: Id,
    csrf_token: Annotated[str, Form(max_length=128)],
    key: Annotated[str, Form(pattern=r"^[A-Za-z0-9_\-]{8,40}$")],
) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    try:
        coupon = await coupons.claim_coupon(member_id, template_id, key=f"h5:{member_id}:{key}")
    except DuplicateRequestError:
        # A double tap: the first tap's coupon is already in the wallet.
        return await h5kit.redirect_with(request, "/h5/member/coupons", notice="领取成功")
    except CRMError as error:
        return await h5kit.redirect_with(request, "/h5/member/coupons", error=error.detail)
    return await h5kit.redirect_with(
        request, f"/h5/member/coupons/{coupon.id}", notice="领取成功，到店出示券码即可使用"
    )
