"""Member center H5 at /h5/member: WeChat sign-in, the member card with its scannable code, the
profile form and the brand's pictures."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticValidationError

from crm_core.config import get_settings
from crm_core.errors import CRMError, NotAuthenticatedError
from crm_core.http import client_ip, set_html_error_renderer
from crm_core.validation import Id
from members import card, card_code, center, h5kit, profile
from members.schemas import ProfileUpdate

router = APIRouter(prefix="/h5/member", include_in_schema=False)
STATE_COOKIE = "scrm_h5_state"
NOTICES = {
    "sent": "验证码已发送，请查收短信",
    "bound": "开卡成功，欢迎成为会员！",
    "declined": "未获得微信昵称和头像授权，会员卡照常使用",
    "profile": "资料已保存",
}
PROFILE_FIELDS = (
    "name",
    "gender",
    "birthday",
    "birthday_calendar",
    "province",
    "city",
    "district",
    "address",
)


async def _error_page(request: Request, status: int, code: str, detail: str) -> Response:
    return await h5kit.page(request, "member_card.html", status=status, view=None, error=detail)


set_html_error_renderer("/h5/member", _error_page)


def _cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=get_settings().is_prod,
        path="/h5/member",
    )


@router.get("", response_class=HTMLResponse)
async def member_center(
    request: Request,
    appid: str | None = None,
    userinfo: Annotated[bool, Query(alias="profile")] = False,
    notice: str = "",
    error: str = "",
) -> Response:
    """``?profile=1`` asks WeChat for the nickname and avatar (snsapi_userinfo)."""
    session = await h5kit.session_of(request)
    if session is None or userinfo:
        redirect_uri = f"{get_settings().base_url}/h5/member/oauth"
        state, url = await card.begin_sign_in(redirect_uri, appid, userinfo=userinfo)
        response = RedirectResponse(url, status_code=302)
        _cookie(response, STATE_COOKIE, state, card.STATE_TTL)
        return response
    member_id, csrf = session
    code = await card_code.current_code(member_id)
    return await h5kit.page(
        request,
        "member_card.html",
        csrf_token=csrf,
        view=await card.card(member_id),
        banners=await center.banners(),
        summary=await h5kit.summary(member_id),
        qr_svg=code[1] if code else "",
        refresh_seconds=card_code.STEP_SECONDS - 10,
        notice=NOTICES.get(notice, ""),
        error=error[:100],
    )


@router.get("/card-code")
async def current_card_code(request: Request) -> Response:
    """The page swaps in a fresh code before the old one expires (a fetch: 401, not a redirect)."""
    session = await h5kit.session_of(request)
    if session is None:
        raise NotAuthenticatedError()
    code = await card_code.current_code(session[0])
    return JSONResponse({"svg": code[1] if code else ""}, headers={"Cache-Control": "no-store"})


def _describe(error: PydanticValidationError) -> str:
    parts = []
    for item in error.errors():
        label = profile.INPUT_LABELS.get(str(item["loc"][-1]), "资料")
        parts.append(f"{label}{'太长' if item['type'] == 'string_too_long' else '填写有误'}")
    return "；".join(parts)


@router.get("/profile", response_class=HTMLResponse)
async def profile_page(request: Request, me: h5kit.Me) -> Response:
    current = await profile.get_profile(me.member_id)
    values = {
        "name": current.name,
        "gender": current.gender.value,
        "birthday": profile.birthday_text(current),
        "birthday_calendar": current.birthday_calendar.value,
        "province": current.province,
        "city": current.city,
        "district": current.district,
        "address": current.address,
    }
    return await _profile_form(request, me.member_id, me.csrf_token, values)


async def _profile_form(
    request: Request,
    member_id: int,
    csrf: str,
    values: dict[str, str],
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    rewards = await profile.reward_rows(member_id, default_points=await h5kit.profile_points())
    return await h5kit.page(
        request,
        "member_profile.html",
        csrf_token=csrf,
        values=values,
        rewards=rewards,
        profile_error=error,
        status=status,
    )


@router.post("/profile", response_class=HTMLResponse)
async def save_profile(request: Request) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, ""))[:255] for k in PROFILE_FIELDS}
    values["birthday_calendar"] = values["birthday_calendar"] or "solar"
    csrf = str(form.get("csrf_token", ""))[:128]
    member_id = await h5kit.member_for_post(request, csrf)
    try:
        data = ProfileUpdate(**values)  # type: ignore[arg-type]
        await profile.update_profile(member_id, data, actor=profile.member_actor(member_id))
    except PydanticValidationError as error:
        return await _profile_form(
            request, member_id, csrf, values, error=_describe(error), status=422
        )
    except CRMError as error:
        return await _profile_form(request, member_id, csrf, values, error=error.detail, status=422)
    return _back(notice="profile")


@router.get("/oauth")
async def oauth_return(request: Request, code: str = "", state: str = "") -> Response:
    if not code:
        await card.decline_sign_in(state, request.cookies.get(STATE_COOKIE, ""))
        response = RedirectResponse("/h5/member?notice=declined", status_code=303)
        response.delete_cookie(STATE_COOKIE, path="/h5/member")
        return response
    token = await card.finish_sign_in(code, state, request.cookies.get(STATE_COOKIE, ""))
    response = RedirectResponse("/h5/member", status_code=303)
    _cookie(response, h5kit.SESSION_COOKIE, token, card.SESSION_TTL)
    response.delete_cookie(STATE_COOKIE, path="/h5/member")
    return response


@router.get("/assets/{image_id}")
async def asset(image_id: Id, request: Request) -> Response:
    """Logo and banners; content-addressed by hash, so browsers may keep them a day."""
    picture = await center.image(image_id)
    etag = f'"{picture.sha256[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(picture.content, media_type=picture.content_type, headers=headers)


@router.post("/code")
async def send_code(
    request: Request,
    phone: Annotated[str, Form(max_length=20)],
    csrf_token: Annotated[str, Form(max_length=128)],
) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    try:
        await card.send_code(member_id, phone, ip=client_ip(request))
    except CRMError as error:
        return _back(error=error.detail, phone=phone)
    return _back(notice="sent", phone=phone)


@router.post("/bind")
async def bind(
    request: Request,
    phone: Annotated[str, Form(max_length=20)],
    code: Annotated[str, Form(max_length=10)],
    csrf_token: Annotated[str, Form(max_length=128)],
) -> Response:
    member_id = await h5kit.member_for_post(request, csrf_token)
    try:
        await card.bind_card(member_id, phone, code)
    except CRMError as error:
        return _back(error=error.detail, phone=phone)
    return _back(notice="bound")


def _back(*, notice: str = "", error: str = "", phone: str = "") -> RedirectResponse:
    query = urlencode(
        {k: v for k, v in {"notice": notice, "error": error, "phone": phone[:20]}.items() if v}
    )
    return RedirectResponse(f"/h5/member?{query}", status_code=303)
