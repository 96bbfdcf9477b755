"""/h5/member/wheel: the big-wheel activities, the spin, and my prizes (with the address form)."""

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError as PydanticValidationError

from crm_core.errors import CRMError
from crm_core.http import client_ip
from crm_core.validation import Id
from crm_core.web.console import describe_validation
from loyalty.lottery import service as lottery
from loyalty.lottery.models import DrawOutcome
from loyalty.lottery.schemas import AddressSubmit
from loyalty.points.service import accounts
from members import h5kit

router = APIRouter()
SKINS = {
    "classic": ("#ffffff", None),
    "festival": ("#ffe8a3", "#e23b2e"),
    "ocean": ("#dff3ff", "#1677c9"),
    "gold": ("#fff4d1", "#b8860b"),
}
OUTCOME_TEXT = {
    DrawOutcome.NONE: "谢谢参与，下次好运！",
    DrawOutcome.OUT_OF_STOCK: "差一点！该奖品已抽完，谢谢参与",
    DrawOutcome.WIN_LIMIT: "您在本活动的中奖次数已达上限，谢谢参与",
}
KIND_HINT = {
    "physical": "请填写收货地址，我们会尽快寄出",
    "points": "积分已到账",
    "coupon": "优惠券已放入券包",
    "red_packet": "红包将发到您的微信",
}


def sectors(count: int, radius: float = 150) -> list[dict[str, float | str]]:
    """SVG wedge paths for a wheel of `count` equal sectors, the first centred at the top."""
    step = 2 * math.pi / count
    out: list[dict[str, float | str]] = []
    for index in range(count):
        start, end = index * step - step / 2 - math.pi / 2, index * step + step / 2 - math.pi / 2
        x1, y1 = radius * math.cos(start), radius * math.sin(start)
        x2, y2 = radius * math.cos(end), radius * math.sin(end)
        large = 1 if step > math.pi else 0
        out.append(
            {
                "d": f"M0,0 L{x1:.2f},{y1:.2f} A{radius},{radius} 0 {large} 1 {x2:.2f},{y2:.2f} Z",
                "angle": math.degrees(index * step),
            }
        )
    return out


def next_cost(wheel: lottery.Wheel) -> int:
    """Points the next spin takes (0 while free spins are left): the page asks first."""
    return 0 if wheel.free_left else wheel.activity.points_per_draw


def allowance(wheel: lottery.Wheel) -> str:
    text = f"今日已抽 {wheel.draws_today} 次"
    if wheel.free_left:
        return f"{text}，还可免费抽 {wheel.free_left} 次"
    if wheel.activity.points_per_draw:
        return f"{text}，每次消耗 {wheel.activity.points_per_draw} 积分"
    return text


@router.get("/wheel", response_class=HTMLResponse)
async def wheels(request: Request, me: h5kit.Me) -> Response:
    return await h5kit.page(
        request,
        "member_wheels.html",
        csrf_token=me.csrf_token,
        activities=await lottery.open_activities(),
        awards=await lottery.member_awards(me.member_id),
        hints=KIND_HINT,
    )


@router.get("/wheel/{activity_id}", response_class=HTMLResponse)
async def wheel(request: Request, me: h5kit.Me, activity_id: Id) -> Response:
    shown = await lottery.wheel_for(activity_id, me.member_id)
    background, stroke = SKINS.get(shown.activity.skin.value, SKINS["classic"])
    account, _ = await accounts.member_points(me.member_id, limit=1)
    return await h5kit.page(
        request,
        "member_wheel.html",
        csrf_token=me.csrf_token,
        wheel=shown,
        sectors=sectors(max(len(shown.prizes), 1)),
        skin_bg=background,
        allowance=allowance(shown),
        skin_fg=stroke,
        key=secrets.token_urlsafe(12),
        cost=next_cost(shown),
        balance=account.balance,
    )


@router.post("/wheel/{activity_id}/draw")
async def spin(
    request: Request,
    activity_id: Id,
    csrf_token: Annotated[str, Form(max_length=128)],
    key: Annotated[str, Form(pattern=r"^[A-Za-z0-9_\-]{8,40}$")],
) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        result = await lottery.draw_as_member(
            activity_id, member_id, key=key, ip=client_ip(request)
        )
    except CRMError as error:
        if wants_json:
            raise
        return await h5kit.redirect_with(
            request, f"/h5/member/wheel/{activity_id}", error=error.detail
        )
    won = result.outcome == DrawOutcome.WIN
    message = (
        f"恭喜您抽中「{result.prize_name}」！{KIND_HINT.get(result.prize_kind.value, '')}"
        if won
        else OUTCOME_TEXT[result.outcome]
    )
    if wants_json:
        after = await lottery.wheel_for(activity_id, member_id)
        account, _ = await accounts.member_points(member_id, limit=1)
        return JSONResponse(
            {
                "outcome": result.outcome.value,
                "prize_id": result.prize_id,
                "message": message,
                "allowance": allowance(after),
                "award_id": result.award_id,
                "needs_address": won and result.prize_kind.value == "physical",
                "cost": next_cost(after),
                "balance": account.balance,
            }
        )
    return await h5kit.redirect_with(
        request,
        f"/h5/member/wheel/{activity_id}",
        **({"notice": message} if won else {"error": message}),
    )


@router.post("/awards/{award_id}/address")
async def address(
    request: Request,
    award_id: Id,
    csrf_token: Annotated[str, Form(max_length=128)],
    recipient: Annotated[str, Form(max_length=32)],
    phone: Annotated[str, Form(max_length=20)],
    address: Annotated[str, Form(max_length=255)],
) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    try:
        data = AddressSubmit(
            recipient=recipient.strip(), phone=phone.strip(), address=address.strip()
        )
        await lottery.submit_address(member_id, award_id, data)
    except PydanticValidationError as error:
        return await h5kit.redirect_with(
            request, "/h5/member/wheel", error=describe_validation(error)
        )
    except CRMError as error:
        return await h5kit.redirect_with(request, "/h5/member/wheel", error=error.detail)
    return await h5kit.redirect_with(
        request, "/h5/member/wheel", notice="收货地址已提交，奖品将尽快寄出"
    )
