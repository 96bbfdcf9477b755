"""Fake credentials, QR codes, menus and the JS-SDK ticket (wechat.md §5.3)."""

import io
from typing import Any

import qrcode
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from wechat.sandbox.calls import WeChatFailError, begin, get_state, ok, require_user
from wechat.sandbox.state import App, QrCode, SandboxState, new_id

router = APIRouter()
QR_ACTIONS = {"QR_SCENE", "QR_STR_SCENE", "QR_LIMIT_SCENE", "QR_LIMIT_STR_SCENE"}
MAX_PERMANENT_QR = 100_000
BUTTON_TYPES = {
    "click",
    "view",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
    "media_id",
    "article_id",
    "article_view_limited",
    "miniprogram",
}
PRIVACY_RULES = ("sex", "country", "province", "city", "language")


def _check_secret(app: App, secret: Any) -> None:
    if secret != app.secret:
        raise WeChatFailError(40125)


def _token_body(token: str, state: SandboxState) -> dict[str, Any]:
    expires_in = int(state.tokens[token].expires_at - state.clock.now())
    return {"access_token": token, "expires_in": expires_in}


@router.get("/cgi-bin/token")
async def token(request: Request) -> Any:
    call = await begin(request, auth=False)
    if call.query.get("grant_type") != "client_credential":
        raise WeChatFailError(40002)
    _check_secret(call.app, call.query.get("secret"))
    return _token_body(call.state.issue_token(call.app), call.state)


@router.post("/cgi-bin/stable_token")
async def stable_token(request: Request) -> Any:
    call = await begin(request, auth=False)
    if call.body.get("grant_type") != "client_credential":
        raise WeChatFailError(40002)
    _check_secret(call.app, call.body.get("secret"))
    state, app = call.state, call.app
    current = state.tokens.get(app.stable_token or "")
    valid = (
        current is not None
        and not current.revoked_errcode
        and current.expires_at > state.clock.now()
    )
    if call.body.get("force_refresh") or not valid:
        app.stable_token = state.issue_token(app, previous=app.stable_token)
    assert app.stable_token is not None
    return _token_body(app.stable_token, state)


@router.post("/cgi-bin/clear_quota")
async def clear_quota(request: Request) -> Any:
    call = await begin(request)
    call.state.quotas.clear()
    return ok()


@router.post("/cgi-bin/qrcode/create")
async def qrcode_create(request: Request) -> Any:
    call = await begin(request)
    action = call.body.get("action_name")
    if action not in QR_ACTIONS:
        raise WeChatFailError(40052)
    scene = (call.body.get("action_info") or {}).get("scene") or {}
    permanent = action.startswith("QR_LIMIT")
    if action.endswith("STR_SCENE"):
        value = str(scene.get("scene_str", ""))
        if not 1 <= len(value) <= 64:
            raise WeChatFailError(40053)
    else:
        number = scene.get("scene_id")
        if (
            not isinstance(number, int)
            or number == 0
            or (permanent and not 1 <= number <= MAX_PERMANENT_QR)
        ):
            raise WeChatFailError(40053)
        value = str(number)
    if permanent:
        if sum(1 for q in call.app.qrcodes.values() if q.expires_at is None) >= MAX_PERMANENT_QR:
            raise WeChatFailError(45029)
        expire_seconds = None
    else:
        expire_seconds = min(int(call.body.get("expire_seconds", 30)), 2_592_000)
    ticket = new_id("gQ", 24)
    url = f"http://weixin.qq.com/q/{ticket[2:26]}"
    expires_at = None if expire_seconds is None else call.state.clock.now() + expire_seconds
    call.app.qrcodes[ticket] = QrCode(ticket, action, value, expires_at, url)
    body: dict[str, Any] = {"ticket": ticket, "url": url}
    if expire_seconds is not None:
        body["expire_seconds"] = expire_seconds
    return body


def find_qrcode(state: SandboxState, ticket: str) -> tuple[App, QrCode] | None:
    for app in state.apps.values():
        code = app.qrcodes.get(ticket)
        if code and (code.expires_at is None or code.expires_at > state.clock.now()):
            return app, code
    return None


@router.get("/cgi-bin/showqrcode")
async def showqrcode(request: Request, ticket: str = "") -> Response:
    found = find_qrcode(get_state(request), ticket)
    if found is None:
        return JSONResponse({"errcode": 40053, "errmsg": "invalid ticket"}, status_code=404)
    buffer = io.BytesIO()
    qrcode.make(found[1].url).save(buffer)
    return Response(buffer.getvalue(), media_type="image/png")


def _check_buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise WeChatFailError(40016)
    for button in buttons:
        subs = button.get("sub_button") or []
        if len(subs) > 5:
            raise WeChatFailError(40023)
        if len(str(button.get("name", "")).encode()) > 16:
            raise WeChatFailError(40018)
        for item in subs if subs else [button]:
            if item.get("type") not in BUTTON_TYPES:
                raise WeChatFailError(40017)
            if len(str(item.get("key", "")).encode()) > 128:
                raise WeChatFailError(40019)
            if len(str(item.get("url", "")).encode()) > 1024:
                raise WeChatFailError(40020)
            if item is not button and len(str(item.get("name", "")).encode()) > 60:
                raise WeChatFailError(40018)


@router.post("/cgi-bin/menu/create")
async def menu_create(request: Request) -> Any:
    call = await begin(request)
    _check_buttons(call.body.get("button"))
    call.app.menu = call.body["button"]
    call.app.menu_id = call.state.next_number()
    return ok()


@router.get("/cgi-bin/menu/get")
async def menu_get(request: Request) -> Any:
    call = await begin(request)
    if call.app.menu is None:
        raise WeChatFailError(46003)
    return {
        "menu": {"button": call.app.menu, "menuid": call.app.menu_id},
        "conditionalmenu": call.app.conditional_menus,
    }


@router.get("/cgi-bin/get_current_selfmenu_info")
async def selfmenu_info(request: Request) -> Any:
    call = await begin(request)
    return {
        "is_menu_open": int(call.app.menu is not None),
        "selfmenu_info": {"button": call.app.menu or []},
    }


@router.get("/cgi-bin/menu/delete")
async def menu_delete(request: Request) -> Any:
    call = await begin(request)
    call.app.menu = None
    call.app.conditional_menus = []
    return ok()


@router.post("/cgi-bin/menu/addconditional")
async def menu_add_conditional(request: Request) -> Any:
    call = await begin(request)
    if call.app.menu is None:
        raise WeChatFailError(65303)
    rule = {k: v for k, v in (call.body.get("matchrule") or {}).items() if v not in ("", None)}
    if not rule:
        raise WeChatFailError(65304)
    if any(key in rule for key in PRIVACY_RULES):
        raise WeChatFailError(65320)
    if len(call.app.conditional_menus) >= 20:
        raise WeChatFailError(65305)
    _check_buttons(call.body.get("button"))
    menuid = str(call.state.next_number())
    call.app.conditional_menus.append(
        {"button": call.body["button"], "matchrule": rule, "menuid": menuid}
    )
    return {"menuid": menuid}


@router.post("/cgi-bin/menu/delconditional")
async def menu_del_conditional(request: Request) -> Any:
    call = await begin(request)
    menuid = str(call.body.get("menuid"))
    kept = [m for m in call.app.conditional_menus if m["menuid"] != menuid]
    if len(kept) == len(call.app.conditional_menus):
        raise WeChatFailError(65301)
    call.app.conditional_menus = kept
    return ok()


def effective_menu(app: App, tagids: list[int]) -> list[dict[str, Any]]:
    """Newest conditional menu matching the user's last-applied tag, else the default."""
    last_tag = str(tagids[-1]) if tagids else None
    for menu in reversed(app.conditional_menus):
        if last_tag is not None and str(menu["matchrule"].get("tag_id")) == last_tag:
            return list(menu["button"])
    return list(app.menu or [])


@router.post("/cgi-bin/menu/trymatch")
async def menu_trymatch(request: Request) -> Any:
    call = await begin(request)
    user = require_user(call, call.body.get("user_id"))
    return {"button": effective_menu(call.app, user.tagids)}


@router.get("/cgi-bin/ticket/getticket")
async def getticket(request: Request) -> Any:
    call = await begin(request)
    if call.query.get("type", "jsapi") not in ("jsapi", "wx_card"):
        raise WeChatFailError(40035)
    if call.app.jsapi_ticket is None:
        call.app.jsapi_ticket = new_id("bxLdik", 30)
    return ok(ticket=call.app.jsapi_ticket, expires_in=7200)
