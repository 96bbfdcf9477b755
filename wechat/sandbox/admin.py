"""Test-only control of the fake: `/__admin/*` and `/__sim/*` (wechat.md §5.2)."""

from dataclasses import asdict
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from wechat.crypto import random_nonce, sign
from wechat.sandbox import actions, templates
from wechat.sandbox.api_core import find_qrcode
from wechat.sandbox.calls import get_state
from wechat.sandbox.state import App, Injection, Merchant, QrCode, SandboxState, User

router = APIRouter()


def _error(detail: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": "sandbox_bad_request", "detail": detail}, status_code=status)


def seed(state: SandboxState, data: dict[str, Any]) -> None:
    for app in data.get("apps", []):
        seeded = [templates.from_seed(entry) for entry in app.pop("templates", [])]
        state.add_app(**app).templates |= {t.template_id: t for t in seeded}
    for user in data.get("users", []):
        state.add_user(**user)
    for merchant in data.get("merchants", []):
        state.merchants[str(merchant["mch_id"])] = Merchant(**merchant)


@router.post("/__admin/reset")
async def reset(request: Request) -> Any:
    state = get_state(request)
    state.reset()
    seed(state, await request.json() if await request.body() else {})
    return {
        "apps": [a.public() for a in state.apps.values()],
        "users": [u.public() for u in state.users.values()],
    }


@router.post("/__admin/inject")
async def inject(request: Request) -> Any:
    get_state(request).injections.append(Injection(**await request.json()))
    return {"ok": True}


@router.post("/__admin/clock")
async def clock(request: Request) -> Any:
    body, state = await request.json(), get_state(request)
    if "set" in body:
        state.clock.set(float(body["set"]))
    state.clock.offset += float(body.get("advance_seconds", 0))
    return {"now": int(state.clock.now())}


@router.post("/__admin/tokens/rotate")
async def rotate_tokens(request: Request) -> Any:
    """Invalidate current tokens: 40001 by default, 42001 with {"mode": "expire"}."""
    body = await request.json() if await request.body() else {}
    state = get_state(request)
    errcode = 42001 if body.get("mode") == "expire" else 40001
    revoked = 0
    for token in state.tokens.values():
        if body.get("appid") in (None, token.appid) and not token.revoked_errcode:
            token.revoked_errcode = errcode
            revoked += 1
    return {"revoked": revoked}


@router.post("/__admin/quota")
async def quota(request: Request) -> Any:
    body = await request.json()
    get_state(request).quotas[body["path"]] = int(body["remaining"])
    return {"ok": True}


@router.get("/__admin/state")
async def inspect(request: Request) -> Any:
    state = get_state(request)
    return {
        "now": int(state.clock.now()),
        "apps": [
            {
                **a.public(),
                "tags": a.tags,
                "menu": a.menu,
                "menu_id": a.menu_id,
                "conditional_menus": a.conditional_menus,
                "templates": sorted(a.templates),
                "qrcodes": [asdict(q) for q in a.qrcodes.values()],
                "mass_jobs": list(a.mass_jobs.values()),
            }
            for a in state.apps.values()
        ],
        "users": [u.public() for u in state.users.values()],
        "calls": dict(state.calls),
        "pushes": state.pushes,
    }


@router.get("/__admin/redpacks")
async def redpacks(request: Request) -> Any:
    """Paid red packets and merchant balances: what Tencent's books would show."""
    state = get_state(request)
    return {
        "redpacks": [
            {k: v for k, v in asdict(p).items() if k != "fields"} for p in state.redpacks.values()
        ],
        "merchants": [
            {"mch_id": m.mch_id, "appids": m.appids, "balance_fen": m.balance_fen}
            for m in state.merchants.values()
        ],
    }


@router.get("/__admin/outbox")
async def outbox(request: Request) -> Any:
    return {"messages": get_state(request).outbox}


def resolve(state: SandboxState, body: dict[str, Any]) -> tuple[App, User] | JSONResponse:
    user = state.users.get(str(body.get("openid", "")))
    if user is None:
        return _error("unknown openid", 404)
    return state.apps[user.appid], user


def qr_for(state: SandboxState, app: App, body: dict[str, Any]) -> QrCode | None:
    if body.get("ticket"):
        found = find_qrcode(state, str(body["ticket"]))
        return found[1] if found and found[0] is app else None
    if body.get("scene"):
        # A pasted scene with no ticket behaves like a printed code the sandbox never issued.
        return QrCode("SIMULATED", "QR_LIMIT_STR_SCENE", str(body["scene"]), None, "")
    return None


@router.post("/__sim/push")
async def sim_push(request: Request) -> Any:
    body, state = await request.json(), get_state(request)
    resolved = resolve(state, body)
    if isinstance(resolved, JSONResponse):
        return resolved
    app, user = resolved
    fields = dict(body.get("fields") or {})
    if body.get("type", "text") == "event":
        return await actions.push_event(state, app, user, str(body["event"]), fields)
    return await actions.send_message(state, app, user, str(body.get("type", "text")), fields)


@router.post("/__sim/scan_qr")
async def sim_scan(request: Request) -> Any:
    body, state = await request.json(), get_state(request)
    resolved = resolve(state, body)
    if isinstance(resolved, JSONResponse):
        return resolved
    app, user = resolved
    code = qr_for(state, app, body)
    if code is None:
        return _error("unknown or expired ticket", 404)
    return await actions.scan(state, app, user, code)


@router.post("/__sim/verify")
async def sim_verify(request: Request) -> Any:
    body, state = await request.json(), get_state(request)
    app = state.apps.get(str(body.get("appid", "")))
    if app is None or not app.webhook_url:
        return _error("unknown appid or no webhook_url", 404)
    timestamp, nonce, echostr = str(int(state.clock.now())), random_nonce(), random_nonce()
    query = {
        "signature": sign(app.token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    async with httpx.AsyncClient(timeout=state.push_timeout) as http:
        response = await http.get(app.webhook_url, params=query)
    return {
        "status": response.status_code,
        "body": response.text,
        "verified": response.status_code == 200 and response.text == echostr,
    }
