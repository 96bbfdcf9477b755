"""The phone simulator: a page plus the JSON it polls and posts to (`/sandbox/*`)."""

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse

from wechat.sandbox import actions
from wechat.sandbox.admin import qr_for, resolve
from wechat.sandbox.api_core import effective_menu
from wechat.sandbox.api_media_oauth import SIMULATED_USER_COOKIE
from wechat.sandbox.calls import get_state

router = APIRouter(prefix="/sandbox")
STATIC = Path(__file__).parent / "static"


def _missing(detail: str) -> JSONResponse:
    return JSONResponse({"error": "sandbox_not_found", "detail": detail}, status_code=404)


@router.get("/phone")
async def phone_page() -> FileResponse:
    return FileResponse(STATIC / "phone.html", media_type="text/html")


@router.get("/static/{name}")
async def static_file(name: str) -> Any:
    path = STATIC / name
    if path.parent != STATIC or not path.is_file() or path.suffix not in (".js", ".css"):
        return _missing(name)
    return FileResponse(path)


@router.get("/api/apps")
async def list_apps(request: Request) -> Any:
    state = get_state(request)
    return {"apps": [a.public() for a in state.apps.values()]}


@router.get("/api/users")
async def list_users(request: Request, appid: str) -> Any:
    return {"users": [u.public() for u in get_state(request).app_users(appid)]}


@router.post("/api/users")
async def create_user(request: Request) -> Any:
    body, state = await request.json(), get_state(request)
    if body.get("appid") not in state.apps:
        return _missing("unknown appid")
    user = state.add_user(str(body["appid"]), nickname=str(body.get("nickname") or "微信用户"))
    response = JSONResponse(user.public())
    response.set_cookie(SIMULATED_USER_COOKIE, user.openid, samesite="lax")
    return response


@router.post("/api/select")
async def select_user(request: Request) -> Any:
    """Remember the phone's user, so the OAuth page knows who is "holding the phone"."""
    body = await request.json()
    response = JSONResponse({"ok": True})
    response.set_cookie(SIMULATED_USER_COOKIE, str(body.get("openid", "")), samesite="lax")
    return response


@router.get("/api/qrcodes")
async def list_qrcodes(request: Request, appid: str) -> Any:
    app = get_state(request).apps.get(appid)
    if app is None:
        return _missing("unknown appid")
    return {
        "qrcodes": [
            {
                "ticket": q.ticket,
                "scene": q.scene,
                "action_name": q.action_name,
                "permanent": q.expires_at is None,
            }
            for q in app.qrcodes.values()
        ]
    }


@router.get("/api/menu")
async def user_menu(request: Request, openid: str) -> Any:
    state = get_state(request)
    user = state.users.get(openid)
    if user is None:
        return _missing("unknown openid")
    return {"button": effective_menu(state.apps[user.appid], user.tagids)}


@router.get("/api/sms")
async def sms_inbox(request: Request) -> Any:
    """The handset's SMS, read server-side from the configured inbox (no CORS in the page)."""
    url = request.app.state.sms_inbox
    if not url:
        return {"configured": False, "messages": []}
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            response = await client.get(url)
            response.raise_for_status()
            rows = response.json()
    except (httpx.HTTPError, ValueError):
        return {"configured": True, "messages": [], "error": "短信收件箱暂时无法访问"}
    return {"configured": True, "messages": rows[-20:]}


@router.get("/api/feed")
async def feed(request: Request, openid: str, after: int = 0) -> Any:
    user = get_state(request).users.get(openid)
    if user is None:
        return _missing("unknown openid")
    return {"user": user.public(), "entries": [e for e in user.feed if e["id"] > after]}


@router.post("/api/act")
async def act(request: Request) -> Any:
    """One phone action: text, location, scan, follow, unfollow or menu (click/view)."""
    body, state = await request.json(), get_state(request)
    resolved = resolve(state, body)
    if isinstance(resolved, JSONResponse):
        return resolved
    app, user = resolved
    action = body.get("action")
    if action == "text":
        return await actions.send_message(
            state, app, user, "text", {"Content": str(body.get("content", ""))}
        )
    if action == "location":
        fields = {
            "Location_X": float(body.get("latitude") or 0),
            "Location_Y": float(body.get("longitude") or 0),
            "Scale": 15,
            "Label": str(body.get("label", "")),
        }
        return await actions.send_message(state, app, user, "location", fields)
    if action == "scan":
        code = qr_for(state, app, body)
        if code is None:
            return _missing("二维码不存在或已过期")
        return await actions.scan(state, app, user, code)
    if action == "follow":
        return await actions.follow(state, app, user)
    if action == "unfollow":
        return await actions.unfollow(state, app, user)
    if action == "menu":
        return await actions.tap_menu(state, app, user, dict(body.get("button") or {}))
    return _missing(f"unknown action {action}")


@router.get("/api/oauth_url")
async def oauth_url(
    request: Request, appid: str, openid: str, url: str, scope: str = "snsapi_base"
) -> Any:
    """Where an H5 link would send the browser in WeChat: the authorize page as this user."""
    query = urlencode(
        {
            "appid": appid,
            "redirect_uri": url,
            "response_type": "code",
            "scope": scope,
            "state": "sandbox",
            "__as": openid,
        }
    )
    return {"url": f"/connect/oauth2/authorize?{query}"}
