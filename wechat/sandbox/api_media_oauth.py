"""Fake temporary media, web OAuth (网页授权) and customer-service accounts."""

import html
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wechat.sandbox.calls import WeChatFailError, begin, fail_response, get_state, ok
from wechat.sandbox.state import App, Media, OAuthGrant, new_id

router = APIRouter()
MEDIA_TYPES = {"image": 10 << 20, "voice": 2 << 20, "video": 10 << 20, "thumb": 64 << 10}
MEDIA_LIFETIME = 3 * 86400
OAUTH_CODE_LIFETIME = 300
REFRESH_LIFETIME = 30 * 86400
SIMULATED_USER_COOKIE = "sandbox_openid"


@router.post("/cgi-bin/media/upload")
async def media_upload(request: Request) -> Any:
    call = await begin(request)
    media_type = call.query.get("type", "")
    if media_type not in MEDIA_TYPES:
        raise WeChatFailError(40004)
    form = await request.form()
    upload = form.get("media")
    if upload is None or isinstance(upload, str):
        raise WeChatFailError(41005)
    content = await upload.read()
    if len(content) > MEDIA_TYPES[media_type]:
        raise WeChatFailError(40006 if media_type == "image" else 40009)
    media = Media(
        new_id("MEDIA_", 24),
        media_type,
        content,
        upload.content_type or "application/octet-stream",
        int(call.state.clock.now()),
    )
    call.state.media[media.media_id] = media
    return {"type": media_type, "media_id": media.media_id, "created_at": media.created_at}


@router.get("/cgi-bin/media/get")
async def media_get(request: Request) -> Any:
    call = await begin(request)
    media = call.state.media.get(call.query.get("media_id", ""))
    if media is None or call.state.clock.now() - media.created_at > MEDIA_LIFETIME:
        raise WeChatFailError(40007)
    return Response(media.content, media_type=media.content_type)


@router.post("/cgi-bin/material/add_news")
async def add_news(request: Request) -> Any:
    await begin(request)
    raise WeChatFailError(45103)


def _picker(app: App, request: Request) -> HTMLResponse:
    state = get_state(request)
    links = "".join(
        f'<li><a href="?{html.escape(urlencode({**request.query_params, "__as": u.openid}))}">'
        f"{html.escape(u.nickname)}（{u.openid}）</a></li>"
        for u in state.app_users(app.appid)
    )
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>微信授权（沙箱）</title>"
        f"<h3>{html.escape(app.name)} 请求获取你的身份</h3><p>选择一个模拟微信用户：</p>"
        f"<ul>{links or '<li>没有用户，请先在手机模拟器中创建</li>'}</ul>"
    )


@router.get("/connect/oauth2/authorize")
async def authorize(request: Request) -> Response:
    state = get_state(request)
    query = request.query_params
    app = state.apps.get(query.get("appid", ""))
    redirect_uri = query.get("redirect_uri", "")
    if app is None or not redirect_uri:
        return HTMLResponse("<h3>参数错误：appid 或 redirect_uri 无效</h3>", status_code=400)
    separator = "&" if "?" in redirect_uri else "?"
    if query.get("__deny") == "1":
        denied = urlencode({"state": query.get("state", "")})
        return RedirectResponse(f"{redirect_uri}{separator}{denied}", status_code=302)
    openid = query.get("__as") or request.cookies.get(SIMULATED_USER_COOKIE, "")
    user = state.users.get(openid)
    if user is None or user.appid != app.appid:
        return _picker(app, request)
    code = new_id("CODE_", 16)
    app.oauth_codes[code] = OAuthGrant(
        user.openid, query.get("scope", "snsapi_base"), state.clock.now()
    )
    target = urlencode({"code": code, "state": query.get("state", "")})
    return RedirectResponse(f"{redirect_uri}{separator}{target}", status_code=302)


def _user_token(app: App, grant: OAuthGrant, request: Request) -> dict[str, Any]:
    access_token, refresh_token = new_id("SNS_", 24), new_id("REFRESH_", 24)
    now = get_state(request).clock.now()
    app.oauth_tokens[access_token] = OAuthGrant(grant.openid, grant.scope, now)
    app.refresh_tokens[refresh_token] = OAuthGrant(grant.openid, grant.scope, now)
    body = {
        "access_token": access_token,
        "expires_in": 7200,
        "refresh_token": refresh_token,
        "openid": grant.openid,
        "scope": grant.scope,
    }
    unionid = get_state(request).users[grant.openid].unionid
    if unionid:
        body["unionid"] = unionid
    return body


@router.get("/sns/oauth2/access_token")
async def oauth_access_token(request: Request) -> Any:
    call = await begin(request, auth=False)
    if call.query.get("secret") != call.app.secret:
        raise WeChatFailError(40125)
    grant = call.app.oauth_codes.get(call.query.get("code", ""))
    if grant is None:
        raise WeChatFailError(40029)
    if grant.used:
        raise WeChatFailError(40163)
    if call.state.clock.now() - grant.issued_at > OAUTH_CODE_LIFETIME:
        raise WeChatFailError(42003)
    grant.used = True
    return _user_token(call.app, grant, request)


@router.get("/sns/oauth2/refresh_token")
async def oauth_refresh(request: Request) -> Any:
    call = await begin(request, auth=False)
    grant = call.app.refresh_tokens.get(call.query.get("refresh_token", ""))
    if grant is None:
        raise WeChatFailError(40030)
    if call.state.clock.now() - grant.issued_at > REFRESH_LIFETIME:
        raise WeChatFailError(42002)
    return _user_token(call.app, grant, request)


def _sns_grant(request: Request) -> OAuthGrant | None:
    token = request.query_params.get("access_token", "")
    state = get_state(request)
    for app in state.apps.values():
        grant = app.oauth_tokens.get(token)
        if grant and grant.openid == request.query_params.get("openid"):
            return grant if state.clock.now() - grant.issued_at < 7200 else None
    return None


@router.get("/sns/userinfo")
async def sns_userinfo(request: Request) -> Any:
    grant = _sns_grant(request)
    if grant is None:
        return fail_response(40001)
    if grant.scope != "snsapi_userinfo":
        return fail_response(48001)
    user = get_state(request).users[grant.openid]
    return {
        "openid": user.openid,
        "nickname": user.nickname,
        "sex": 0,
        "province": "",
        "city": "",
        "country": "",
        "headimgurl": "",
        "privilege": [],
        "unionid": user.unionid,
    }


@router.get("/sns/auth")
async def sns_auth(request: Request) -> Any:
    return ok() if _sns_grant(request) else fail_response(40001)


@router.post("/customservice/kfaccount/add")
async def kf_add(request: Request) -> Any:
    call = await begin(request)
    call.state.record("kfaccount", call.app, str(call.body.get("kf_account", "")), call.body)
    return ok()


@router.get("/cgi-bin/customservice/getkflist")
async def kf_list(request: Request) -> Any:
    call = await begin(request)
    accounts = [
        e["payload"]
        for e in call.state.outbox
        if e["kind"] == "kfaccount" and e["appid"] == call.app.appid
    ]
    return {"kf_list": accounts}
