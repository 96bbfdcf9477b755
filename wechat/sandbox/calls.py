"""Wire conventions of the fake: HTTP 200 with errcode, access_token in the query, injection."""

import asyncio
import json
import random
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from wechat.sandbox.state import App, Injection, SandboxState

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40004: "invalid media type",
    40007: "invalid media_id",
    40008: "invalid message type",
    40013: "invalid appid",
    40014: "invalid access_token",
    40016: "invalid button size",
    40017: "invalid button type",
    40018: "invalid button name size",
    40019: "invalid button key size",
    40020: "invalid button url size",
    40023: "invalid sub button size",
    40029: "invalid code",
    40032: "invalid openid list size",
    40033: "invalid charset",
    40035: "invalid args",
    40037: "invalid template_id",
    40052: "invalid action name",
    40053: "invalid action info",
    40059: "invalid msg id",
    40125: "invalid appsecret",
    40130: "invalid openid list size, at least two openid",
    40163: "code been used",
    41001: "access_token missing",
    41005: "media data missing",
    42001: "access_token expired",
    42003: "code expired",
    43004: "require subscribe",
    43019: "require remove blacklist",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45026: "template num exceeds limit",
    45028: "has no masssend quota",
    45029: "qrcode count out of limit",
    45047: "out of response count limit",
    45056: "too many tags",
    45058: "can't modify sys tag",
    45059: "user has too many tags",
    45065: "clientmsgid exist",
    45103: "This API has been unsupported",
    45157: "invalid tag name",
    45158: "tag name too long",
    45159: "invalid tag id",
    46003: "menu no exist",
    47001: "data format error",
    47003: "argument invalid!",
    65301: "no such menuid",
    65303: "there is no selfmenu",
    65304: "match rule empty",
    65305: "menu count limit",
    65320: "match rule unsupported",
}
MASS_PATHS = ("/cgi-bin/message/mass/send", "/cgi-bin/message/mass/sendall")


class WeChatFailError(Exception):
    def __init__(self, errcode: int, extra: dict[str, Any] | None = None) -> None:
        super().__init__(errcode)
        self.errcode = errcode
        self.extra = extra or {}


def fail_response(errcode: int, extra: dict[str, Any] | None = None) -> JSONResponse:
    errmsg = f"{ERRMSG.get(errcode, 'error')} rid: {secrets.token_hex(4)}"
    return JSONResponse({"errcode": errcode, "errmsg": errmsg, **(extra or {})})


def ok(**fields: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **fields}


def get_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


@dataclass
class Call:
    state: SandboxState
    app: App
    body: dict[str, Any]
    query: dict[str, str]

    def field(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, self.query.get(name, default))


async def read_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw or not request.headers.get("content-type", "").startswith(
        ("application/json", "text/plain")
    ):
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise WeChatFailError(47001) from None
    if not isinstance(data, dict):
        raise WeChatFailError(47001)
    return data


def _use(state: SandboxState, injection: Injection, path: str, fields: dict[str, Any]) -> bool:
    if injection.path != path or injection.count <= 0:
        return False
    if any(str(fields.get(k)) != str(v) for k, v in injection.match.items()):
        return False
    if random.random() > injection.probability:
        return False
    injection.count -= 1
    if injection.count <= 0:
        state.injections.remove(injection)
    return True


async def apply_injections(state: SandboxState, path: str, fields: dict[str, Any]) -> None:
    for injection in list(state.injections):
        if not _use(state, injection, path, fields):
            continue
        if injection.latency_ms:
            await asyncio.sleep(injection.latency_ms / 1000)
        if injection.errcode:
            raise WeChatFailError(injection.errcode)


async def take_injection(
    state: SandboxState, path: str, fields: dict[str, Any]
) -> Injection | None:
    """Pay endpoints: the first matching injection, after its latency; the caller fails."""
    for injection in list(state.injections):
        if _use(state, injection, path, fields):
            if injection.latency_ms:
                await asyncio.sleep(injection.latency_ms / 1000)
            return injection
    return None


def authenticate(state: SandboxState, access_token: str | None) -> App:
    if not access_token:
        raise WeChatFailError(41001)
    token = state.tokens.get(access_token)
    if token is None:
        raise WeChatFailError(40001)
    if token.revoked_errcode:
        raise WeChatFailError(token.revoked_errcode)
    if token.expires_at < state.clock.now():
        raise WeChatFailError(42001)
    return state.apps[token.appid]


async def begin(request: Request, *, auth: bool = True) -> Call:
    """Count, inject, enforce quota, authenticate: every fake endpoint starts here."""
    state = get_state(request)
    path = request.url.path
    state.calls[path] += 1
    query = dict(request.query_params)
    body = await read_json(request)
    await apply_injections(state, path, {**query, **body})
    if path in state.quotas:
        if state.quotas[path] <= 0:
            raise WeChatFailError(45028 if path in MASS_PATHS else 45009)
        state.quotas[path] -= 1
    if auth:
        app: App | None = authenticate(state, query.get("access_token"))
    else:
        app = state.apps.get(str(body.get("appid", query.get("appid", ""))))
    if app is None:
        raise WeChatFailError(40013)
    return Call(state, app, body, query)


def require_user(call: Call, openid: Any, *, subscribed: bool = False) -> Any:
    user = call.state.users.get(str(openid))
    if user is None or user.appid != call.app.appid:
        raise WeChatFailError(40003)
    if subscribed and not user.subscribed:
        raise WeChatFailError(43004)
    return user
