"""JSON API for coupons: templates, issuing by hand, verification at the store."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id
from loyalty.coupons import service
from loyalty.coupons.schemas import (
    CouponRead,
    IssueCreate,
    TemplateCreate,
    TemplateRead,
    VerificationRead,
    VerifyCreate,
)

router = APIRouter(tags=["loyalty"])


@router.get("/coupon-templates", response_model=list[TemplateRead])
async def list_templates(
    q: Annotated[str, Query(max_length=64)] = "",
    principal: Principal = Depends(require("loyalty.coupon:view")),
) -> list[TemplateRead]:
    """`q`: part of the template's name (the pickers)."""
    return await service.list_templates(q)


@router.post("/coupon-templates", response_model=TemplateRead, status_code=201)
async def create_template(
    body: TemplateCreate, principal: Principal = Depends(require("loyalty.coupon:create"))
) -> TemplateRead:
    return await service.create_template(principal, body)


@router.post(
    "/coupon-templates/{coupon_template_id}/issues", response_model=CouponRead, status_code=201
)
async def issue(
    coupon_template_id: Id,
    body: IssueCreate,
    principal: Principal = Depends(require("loyalty.coupon:assign")),
) -> CouponRead:
    return await service.issue_for_staff(
        principal, coupon_template_id, body.member_id, body.idempotency_key
    )


@router.post("/coupons/verify", response_model=VerificationRead)
async def verify(
    body: VerifyCreate, principal: Principal = Depends(require("loyalty.coupon:edit"))
) -> VerificationRead:
    return await service.verify_coupon(principal, body)


@router.get("/members/{member_id}/coupons", response_model=list[CouponRead])
async def member_coupons(
    member_id: Id, principal: Principal = Depends(require("loyalty.coupon:view"))
) -> list[CouponRead]:
    return await service.member_coupons(principal, member_id)
