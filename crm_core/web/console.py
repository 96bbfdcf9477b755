"""The admin console shell: templates, language, cookie sessions, CSRF, navigation, flash messages.

Sessions are opaque ids in Redis (revocable); the cookie is HttpOnly, SameSite=Lax, Secure in prod.
Every state-changing console request carries the session's CSRF token and a same-origin Origin.
"""

import json
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError as PydanticValidationError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm_core import clock, security
from crm_core.config import get_settings
from crm_core.errors import CRMError, CSRFError, PermissionDeniedError
from crm_core.http import SESSION_COOKIE as SESSION_COOKIE
from crm_core.http import client_ip, same_origin, set_html_error_renderer
from crm_core.permissions import Principal
from crm_core.redis import get_redis
from crm_core.validation import id_or_none
from crm_core.web.nav import NAV as NAV
from crm_core.web.nav import NavItem as NavItem
from crm_core.web.nav import add_nav as add_nav
from crm_core.web.nav import visible_nav

LANG_COOKIE = "scrm_lang"
LOGIN_COOKIE = "scrm_login"
_template_dirs: list[Path] = [Path(__file__).parent / "templates"]
_env = Environment(loader=ChoiceLoader([]), autoescape=select_autoescape())
_env.filters["pretty_json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1)
templates = Jinja2Templates(env=_env)


def add_template_dir(path: Path) -> None:
    if path not in _template_dirs:
        _template_dirs.append(path)
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(p)) for p in _template_dirs])


# Templates included at the end of every console page for staff holding the permission
# (e.g. the SMS channel's incoming-call pop-up).
SNIPPETS: list[tuple[str, str]] = []


def add_snippet(template: str, permission: str) -> None:
    if (permission, template) not in SNIPPETS:
        SNIPPETS.append((permission, template))


class LoginRequiredError(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def need(principal: Principal, permission: str) -> None:
    """A console page's function-permission check (403 without it)."""
    if not principal.can(permission):
        raise PermissionDeniedError()


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"


def navigation(principal: Principal, lang: str) -> list[tuple[str, list[NavItem]]]:
    groups: dict[str, list[NavItem]] = {}
    for item in visible_nav(principal):
        groups.setdefault(item.group_en if lang == "en" else item.group_zh, []).append(item)
    return list(groups.items())


async def console_principal(request: Request) -> Principal:
    from crm_core.http import _loader

    token = request.cookies.get(SESSION_COOKIE, "")
    ttl = get_settings().auth.session_ttl_seconds
    session = await security.load_session(token, kind="console", ttl_seconds=ttl)
    principal = None
    if session is not None:
        principal = await _loader[0](
            session.staff_id, client_ip(request), request.headers.get("user-agent", "")
        )
    if principal is None:
        raise LoginRequiredError(request.url.path)
    request.state.csrf_token = session.csrf_token if session else ""
    request.state.session_token = token
    request.state.principal = principal
    return principal


class Form:
    """A checked console form: single values with `get`, repeated checkboxes with `list`."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    def get(self, name: str, default: str = "") -> str:
        for key, value in self.items:
            if key == name:
                return value.strip()
        return default

    def list(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def optional_int(self, name: str) -> int | None:
        """A non-negative int4 (an id, a position); anything else counts as not given."""
        return id_or_none(self.get(name))

    def values(
        self, *names: str, ints: tuple[str, ...] = (), bools: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Fields for a schema: blank optional fields left out, ints and checkboxes converted."""
        result: dict[str, Any] = {}
        for name in names:
            raw = self.get(name)
            if name in ints:
                if raw:
                    result[name] = int(raw) if raw.removeprefix("-").isdecimal() else raw
            elif name in bools:
                result[name] = raw in {"1", "on", "true"}
            else:
                result[name] = raw
        return result


async def check_csrf(request: Request) -> Form:
    """Validate the CSRF token and origin of a console form post and return its fields."""
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    if not same_origin(request):
        raise CSRFError()
    given = next((v for k, v in items if k == "csrf_token"), None)
    if not security.csrf_matches(request.state.csrf_token, given):
        raise CSRFError()
    return Form([(k, v) for k, v in items if k != "csrf_token"])


def login_form(request: Request) -> tuple[str, str]:
    """(pre-session id, CSRF token) for the login form. Login CSRF: without a token bound to this
    browser's own cookie, another site could sign the victim in to the attacker's account."""
    pre_session = request.cookies.get(LOGIN_COOKIE, "")
    if not 32 <= len(pre_session) <= 64:
        pre_session = secrets.token_urlsafe(32)
    return pre_session, security.bound_token("login", pre_session)


def check_login_csrf(request: Request, given: str) -> None:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not same_origin(request):
        raise CSRFError()
    if not cookie or not security.csrf_matches(security.bound_token("login", cookie), given):
        raise CSRFError()


def keep_login_cookie(response: Response, pre_session: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        pre_session,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=get_settings().is_prod,
        path="/admin/login",
    )


async def flash(request: Request, message: str, kind: str = "success") -> None:
    key = f"auth:flash:{request.state.session_token}"
    await get_redis().rpush(key, json.dumps({"kind": kind, "message": message}))
    await get_redis().expire(key, 120)


async def _pop_flashes(request: Request) -> list[dict[str, str]]:
    token = getattr(request.state, "session_token", "")
    if not token:
        return []
    key = f"auth:flash:{token}"
    redis = get_redis()
    items = await redis.lrange(key, 0, -1)
    await redis.delete(key)
    return [json.loads(item) for item in items]


_MULTI_VALUED = {"role_ids", "permissions"}


async def _keep_form(request: Request, back: str, form: Form) -> None:
    kept = [(k, v) for k, v in form.items if "password" not in k]
    key = f"auth:form:{request.state.session_token}"
    await get_redis().set(key, json.dumps({"path": back.split("?")[0], "items": kept}), ex=300)


async def _kept_form(request: Request) -> dict[str, Any]:
    token = getattr(request.state, "session_token", "")
    if not token:
        return {}
    raw = await get_redis().getdel(f"auth:form:{token}")
    if raw is None:
        return {}
    kept = json.loads(raw)
    if kept["path"] != request.url.path:
        return {}
    values: dict[str, Any] = {}
    for key, value in kept["items"]:
        if key in _MULTI_VALUED:
            values.setdefault(key, []).append(value)
        else:
            values[key] = value
    return values


async def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    lang = lang_of(request)
    principal: Principal | None = getattr(request.state, "principal", None)
    context.update(
        request=request,
        lang=lang,
        principal=principal,
        nav=navigation(principal, lang) if principal else [],
        csrf_token=getattr(request.state, "csrf_token", ""),
        flashes=await _pop_flashes(request),
        path=request.url.path,
        kept=await _kept_form(request),
        t=lambda zh, en: en if lang == "en" else zh,
        to_local=clock.to_local,
        snippets=[name for permission, name in SNIPPETS if principal and principal.can(permission)],
    )
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def install(app: FastAPI) -> None:
    add_template_dir(Path(__file__).parent / "templates")

    async def on_login_required(request: Request, error: Exception) -> Response:
        assert isinstance(error, LoginRequiredError)
        return redirect(f"/admin/login?next={quote(error.next_url)}")

    app.add_exception_handler(LoginRequiredError, on_login_required)

    async def error_page(request: Request, status: int, code: str, detail: str) -> Response:
        # A failed session lookup leaves no principal: the page then shows without navigation.
        return await render(
            request, "error.html", status_code=status, status=status, code=code, detail=detail
        )

    set_html_error_renderer("/admin", error_page)

    app.add_middleware(SecurityHeaders)


PAGE_POLICY = "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"


class SecurityHeaders:
    """Plain ASGI middleware (BaseHTTPMiddleware costs a task per request on the webhook path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        console = scope["path"].startswith("/admin")
        # The member center is framed by nobody either: a framed card or coupon page is a
        # clickjacking target (tap "bind" or "redeem" through an invisible frame).
        page = console or scope["path"].startswith("/h5/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if page:
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                if console:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


FIELD_LABELS = {
    "name": "名称",
    "username": "登录名",
    "password": "密码",
    "code": "编码",
    "phone": "电话",
    "email": "邮箱",
    "department_id": "部门",
    "parent_id": "上级部门",
    "store_id": "门店",
    "manager_id": "店长",
    "sort_order": "排序",
    "permissions": "权限",
    "data_scope": "数据权限",
    "status": "状态",
    "recipient": "收货人",
    "address": "地址",
}


def describe_validation(error: PydanticValidationError) -> str:
    parts = []
    for item in error.errors():
        field = str(item["loc"][-1]) if item["loc"] else ""
        parts.append(f"{FIELD_LABELS.get(field, field)}：{_zh_message(item['type'], item['msg'])}")
    return "；".join(parts) or "提交的数据格式不正确"


def _zh_message(kind: str, message: str) -> str:
    return {
        "string_too_short": "不能为空或太短",
        "string_too_long": "太长",
        "string_pattern_mismatch": "格式不正确",
        "missing": "必填",
        "int_parsing": "必须是数字",
        "enum": "取值无效",
        "extra_forbidden": "不允许的字段",
    }.get(kind, message)


async def attempt(
    request: Request,
    operation: Callable[[], Awaitable[object]],
    *,
    ok: str,
    back: str,
    done: str | None = None,
    form: Form | None = None,
) -> RedirectResponse:
    """Run a form's service call; on a domain or validation error, flash it and go back with
    what the user typed kept (passwords excepted), so nothing is lost on bad input."""
    try:
        await operation()
    except (CRMError, PydanticValidationError) as error:
        message = error.detail if isinstance(error, CRMError) else describe_validation(error)
        await flash(request, message, "error")
        if form is not None:
            await _keep_form(request, back, form)
        return redirect(back)
    await flash(request, ok)
    return redirect(done or back)
