"""Member center H5, loyalty part (/h5/member/points): balance, history and the daily check-in.
The member session comes from members.card (sign-in through WeChat OAuth)."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from crm_core import security
from crm_core.errors import CRMError, CSRFError
from loyalty.checkin import service as checkin
from loyalty.points.service import accounts
from members import card

router = APIRouter(prefix="/h5/member", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
KIND_LABELS = {
    "purchase": "消费积分", "follow": "关注有礼", "checkin": "签到", "profile": "完善资料",
    "review": "评价", "invite": "邀请好友", "birthday": "生日礼", "lottery_prize": "抽奖奖励",
    "redeem": "积分兑换", "lottery_cost": "抽奖消耗", "mall": "积分商城",
    "refund": "退款扣回", "expire": "积分过期", "adjust": "人工调整",
}


@router.get("/points", response_class=HTMLResponse)
async def points_page(request: Request, notice: str = "", error: str = "") -> Response:
    session = await card.member_of(request.cookies.get("scrm_member", ""))
    if session is None:
        return RedirectResponse("/h5/member", status_code=303)
    account, entries = await accounts.member_points(session[0])
    return templates.TemplateResponse(request, "member_points.html", {
        "account": account, "entries": entries, "csrf_token": session[1], "labels": KIND_LABELS,
        "notice": notice[:60], "error": error[:100]})


@router.post("/checkin")
async def check_in(request: Request,
                   csrf_token: Annotated[str, Form(max_length=128)]) -> Response:
    session = await card.member_of(request.cookies.get("scrm_member", ""))
    if session is None or not security.csrf_matches(session[1], csrf_token):
        raise CSRFError()
    try:
        done = await checkin.check_in(session[0])
    except CRMError as error:
        return RedirectResponse(f"/h5/member/points?error={error.code}", status_code=303)
    notice = f"checkin-{done.streak}-{done.points}-{done.red_packet_fen}"
    return RedirectResponse(f"/h5/member/points?notice={notice}",
                            status_code=303)
