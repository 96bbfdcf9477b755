"""Member center H5 at /h5/member: WeChat sign-in and the member card; thin."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from crm_core import security
from crm_core.config import get_settings
from crm_core.errors import CRMError, CSRFError
from crm_core.http import client_ip, set_html_error_renderer
from members import card

router = APIRouter(prefix="/h5/member", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
SESSION_COOKIE, STATE_COOKIE = "scrm_member", "scrm_h5_state"
NOTICES = {"sent": "验证码已发送，请查收短信", "bound": "开卡成功，欢迎成为会员！",
           "declined": "未获得微信昵称和头像授权，会员卡照常使用"}


def _page(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, "member_card.html", context, status_code=status)


async def _error_page(request: Request, status: int, code: str, detail: str) -> Response:
    return _page(request, status, view=None, error=detail, notice="", csrf_token="")


set_html_error_renderer("/h5/member", _error_page)


def _cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=get_settings().is_prod, path="/h5/member")


@router.get("", response_class=HTMLResponse)
async def member_center(request: Request, appid: str | None = None, profile: bool = False,
                        notice: str = "", error: str = "") -> Response:
    """``?profile=1`` asks WeChat for the nickname and avatar (snsapi_userinfo)."""
    session = await card.member_of(request.cookies.get(SESSION_COOKIE, ""))
    if session is None or profile:
        redirect_uri = f"{get_settings().base_url}/h5/member/oauth"
        state, url = await card.begin_sign_in(redirect_uri, appid, userinfo=profile)
        response = RedirectResponse(url, status_code=302)
        _cookie(response, STATE_COOKIE, state, card.STATE_TTL)
        return response
    member_id, csrf = session
    return _page(request, view=await card.card(member_id), notice=NOTICES.get(notice, ""),
                 error=error[:100], csrf_token=csrf)


@router.get("/oauth")
async def oauth_return(request: Request, code: str = "", state: str = "") -> Response:
    if not code:
        await card.decline_sign_in(state, request.cookies.get(STATE_COOKIE, ""))
        response = RedirectResponse("/h5/member?notice=declined", status_code=303)
        response.delete_cookie(STATE_COOKIE, path="/h5/member")
        return response
    token = await card.finish_sign_in(code, state, request.cookies.get(STATE_COOKIE, ""))
    response = RedirectResponse("/h5/member", status_code=303)
    _cookie(response, SESSION_COOKIE, token, card.SESSION_TTL)
    response.delete_cookie(STATE_COOKIE, path="/h5/member")
    return response


async def _member(request: Request, csrf_token: str) -> int:
    session = await card.member_of(request.cookies.get(SESSION_COOKIE, ""))
    if session is None or not security.csrf_matches(session[1], csrf_token):
        raise CSRFError()
    return session[0]


@router.post("/code")
async def send_code(request: Request, phone: Annotated[str, Form(max_length=20)],
                    csrf_token: Annotated[str, Form(max_length=128)]) -> Response:
    member_id = await _member(request, csrf_token)
    try:
        await card.send_code(member_id, phone, ip=client_ip(request))
    except CRMError as error:
        return _back(error=error.detail, phone=phone)
    return _back(notice="sent", phone=phone)


@router.post("/bind")
async def bind(request: Request, phone: Annotated[str, Form(max_length=20)],
               code: Annotated[str, Form(max_length=10)],
               csrf_token: Annotated[str, Form(max_length=128)]) -> Response:
    member_id = await _member(request, csrf_token)
    try:
        await card.bind_card(member_id, phone, code)
    except CRMError as error:
        return _back(error=error.detail, phone=phone)
    return _back(notice="bound")


def _back(*, notice: str = "", error: str = "", phone: str = "") -> RedirectResponse:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in {"notice": notice, "error": error,
                                         "phone": phone[:20]}.items() if v})
    return RedirectResponse(f"/h5/member?{query}", status_code=303)
