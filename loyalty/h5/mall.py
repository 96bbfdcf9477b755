"""/h5/member/mall: items for points, the exchange (with an address for goods), my exchanges."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError as PydanticValidationError

from crm_core.errors import CRMError
from crm_core.validation import Id
from crm_core.web.console import describe_validation
from loyalty.errors import DuplicateRequestError
from loyalty.mall import service as mall
from loyalty.mall.schemas import ExchangeCreate
from loyalty.points.service import accounts
from members import h5kit

router = APIRouter()
STATUS_TEXT = {
    "awaiting_shipment": "待发货",
    "shipped": "已发货",
    "delivered": "已签收",
    "completed": "已完成",
    "pending_payout": "红包发放中",
}


@router.get("/mall", response_class=HTMLResponse)
async def mall_page(request: Request, me: h5kit.Me) -> Response:
    account, _ = await accounts.member_points(me.member_id, limit=1)
    return await h5kit.page(
        request,
        "member_mall.html",
        csrf_token=me.csrf_token,
        items=await mall.list_items(active_only=True),
        balance=account.balance,
    )


@router.get("/mall/orders", response_class=HTMLResponse)
async def my_exchanges(request: Request, me: h5kit.Me) -> Response:
    return await h5kit.page(
        request,
        "member_exchanges.html",
        csrf_token=me.csrf_token,
        orders=await mall.member_exchanges(me.member_id),
        labels=STATUS_TEXT,
    )


@router.get("/mall/{item_id}", response_class=HTMLResponse)
async def item_page(request: Request, me: h5kit.Me, item_id: Id) -> Response:
    account, _ = await accounts.member_points(me.member_id, limit=1)
    return await h5kit.page(
        request,
        "member_mall_item.html",
        csrf_token=me.csrf_token,
        item=await mall.get_item(item_id),
        balance=account.balance,
        key=secrets.token_urlsafe(12),
    )


@router.post("/mall/{item_id}/exchange")
async def exchange(
    request: Request,
    item_id: Id,
    csrf_token: Annotated[str, Form(max_length=128)],
    key: Annotated[str, Form(pattern=r"^[A-Za-z0-9_\-]{8,40}$")],
    recipient: Annotated[str, Form(max_length=32)] = "",
    phone: Annotated[str, Form(max_length=20)] = "",
    address: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    back = f"/h5/member/mall/{item_id}"
    try:
        await mall.exchange(
            item_id,
            ExchangeCreate(
                member_id=member_id,
                idempotency_key=f"h5:{member_id}:{key}",
                recipient=recipient.strip(),
                phone=phone.strip(),
                address=address.strip(),
            ),
        )
    except DuplicateRequestError:
        return await h5kit.redirect_with(request, "/h5/member/mall/orders", notice="兑换成功")
    except PydanticValidationError as error:
        return await h5kit.redirect_with(request, back, error=describe_validation(error))
    except CRMError as error:
        return await h5kit.redirect_with(request, back, error=error.detail)
    return await h5kit.redirect_with(request, "/h5/member/mall/orders", notice="兑换成功")
