"""/h5/member/points: balance, history and the daily check-in."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from crm_core.errors import CRMError
from loyalty.checkin import service as checkin
from loyalty.points import rules as points_rules
from loyalty.points.service import accounts
from members import h5kit
from members.profile import FIELD_LABELS

router = APIRouter()


@router.get("/points", response_class=HTMLResponse)
async def points_page(request: Request, me: h5kit.Me) -> Response:
    account, entries = await accounts.member_points(me.member_id, limit=50)
    return await h5kit.page(
        request,
        "member_points.html",
        csrf_token=me.csrf_token,
        account=account,
        entries=entries,
        labels=points_rules.ENTRY_TITLES,
        profile_fields={field.value: label for field, label in FIELD_LABELS.items()},
    )


@router.post("/checkin")
async def check_in(request: Request, csrf_token: Annotated[str, Form(max_length=128)]) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    try:
        done = await checkin.check_in(member_id)
    except CRMError as error:
        return await h5kit.redirect_with(request, "/h5/member/points", error=error.detail)
    notice = f"签到成功！已连续签到 {done.streak} 天，获得 {done.points} 积分"
    if done.coupon_id:
        notice += "，另有一张连签优惠券已放入券包"
    if done.red_packet_fen:
        notice += f"，另有微信红包 {done.red_packet_fen / 100:.2f} 元，请在公众号消息中领取"
    return await h5kit.redirect_with(request, "/h5/member/points", notice=notice)
