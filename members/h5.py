"""Member center H5 at /h5/member: WeChat sign-in, the member card with its scannable code,
and the profile form; thin."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError as PydanticValidationError

from crm_core import security
from crm_core.config import get_settings
from crm_core.errors import CRMError, CSRFError, NotAuthenticatedError
from crm_core.http import client_ip, set_html_error_renderer
from members import card, card_code, profile
from members.schemas import ProfileUpdate

router = APIRouter(prefix="/h5/member", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
SESSION_COOKIE, STATE_COOKIE = "scrm_member", "scrm_h5_state"
NOTICES = {"sent": "验证码已发送，请查收短信", "bound": "开卡成功，欢迎成为会员！",
           "profile": "资料已保存"}
PROFILE_FIELDS = ("name", "gender", "birthday", "birthday_calendar", "province", "city",
                  "district", "address")


def _page(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, "member_card.html", context, status_code=status)


async def _error_page(request: Request, status: int, code: str, detail: str) -> Response:
    return _page(request, status, view=None, error=detail, notice="", csrf_token="")


set_html_error_renderer("/h5/member", _error_page)


def _cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=get_settings().is_prod, path="/h5/member")


@router.get("", response_class=HTMLResponse)
async def member_center(request: Request, appid: str | None = None,
                        notice: str = "", error: str = "") -> Response:
    session = await card.member_of(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        redirect_uri = f"{get_settings().base_url}/h5/member/oauth"
        state, url = await card.begin_sign_in(redirect_uri, appid)
        response = RedirectResponse(url, status_code=302)
        _cookie(response, STATE_COOKIE, state, card.STATE_TTL)
        return response
    member_id, csrf = session
    code = await card_code.current_code(member_id)
    return _page(request, view=await card.card(member_id), notice=NOTICES.get(notice, ""),
                 error=error[:100], csrf_token=csrf, qr_svg=code[1] if code else "",
                 refresh_seconds=card_code.STEP_SECONDS - 10)


@router.get("/card-code")
async def current_card_code(request: Request) -> Response:
    """The page swaps in a fresh code before the old one expires."""
    session = await card.member_of(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        raise NotAuthenticatedError()
    code = await card_code.current_code(session[0])
    if code is None:
        return JSONResponse({"svg": ""})
    return JSONResponse({"svg": code[1]}, headers={"Cache-Control": "no-store"})


def _describe(error: PydanticValidationError) -> str:
    parts = []
    for item in error.errors():
        label = profile.INPUT_LABELS.get(str(item["loc"][-1]), "资料")
        parts.append(f"{label}{'太长' if item['type'] == 'string_too_long' else '填写有误'}")
    return "；".join(parts)


def _profile_page(request: Request, values: dict[str, str], csrf: str, *, error: str = "",
                  status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, "member_profile.html", {
        "values": values, "csrf_token": csrf, "error": error}, status_code=status)


@router.get("/profile", response_class=HTMLResponse)
async def profile_page(request: Request) -> Response:
    session = await card.member_of(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        return RedirectResponse("/h5/member", status_code=303)
    current = await profile.get_profile(session[0])
    values = {"name": current.name, "gender": current.gender.value,
              "birthday": profile.birthday_text(current),
              "birthday_calendar": current.birthday_calendar.value, "province": current.province,
              "city": current.city, "district": current.district, "address": current.address}
    return _profile_page(request, values, session[1])


@router.post("/profile", response_class=HTMLResponse)
async def save_profile(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, ""))[:255] for k in PROFILE_FIELDS}
    values["birthday_calendar"] = values["birthday_calendar"] or "solar"
    member_id = await _member(request, str(form.get("csrf_token", ""))[:128])
    try:
        data = ProfileUpdate(**values)  # type: ignore[arg-type]
        await profile.update_profile(member_id, data, actor=profile.member_actor(member_id))
    except PydanticValidationError as error:
        return _profile_page(request, values, str(form.get("csrf_token", "")),
                             error=_describe(error), status=422)
    except CRMError as error:
        return _profile_page(request, values, str(form.get("csrf_token", "")),
                             error=error.detail, status=422)
    return _back(notice="profile")


@router.get("/oauth")
async def oauth_return(request: Request, code: str = "", state: str = "") -> Response:
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
