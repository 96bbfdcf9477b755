"""The web kernel: error rendering, authentication dependencies, permission checks."""

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from tortoise.exceptions import ValidationError as ColumnValidationError

from crm_core.config import get_settings
from crm_core.errors import CRMError, CSRFError, NotAuthenticatedError, PermissionDeniedError
from crm_core.permissions import Principal
from crm_core.validation import FieldValueError

log = logging.getLogger("scrm.http")
PrincipalLoader = Callable[[int, str, str], Awaitable[Principal | None]]
_loader: list[PrincipalLoader] = []

STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}
STATUS_MESSAGES = {404: "页面或接口不存在", 405: "不支持该请求方法", 413: "请求体过大"}


def set_principal_loader(loader: PrincipalLoader) -> None:
    _loader[:] = [loader]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def error_response(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    headers = {"Retry-After": str(extra.pop("retry_after"))} if "retry_after" in extra else None
    return JSONResponse(
        {"error": code, "detail": detail, **extra}, status_code=status, headers=headers
    )


HtmlErrorRenderer = Callable[[Request, int, str, str], Awaitable[Response]]
_html_errors: list[tuple[str, HtmlErrorRenderer]] = []


def set_html_error_renderer(prefix: str, renderer: HtmlErrorRenderer) -> None:
    """Pages under `prefix` (e.g. /admin) show errors as a page, not as JSON, to browsers."""
    _html_errors.append((prefix, renderer))


async def _respond(request: Request, status: int, code: str, detail: str, **extra: Any) -> Response:
    if "text/html" in request.headers.get("accept", ""):
        for prefix, renderer in _html_errors:
            if request.url.path.startswith(prefix):
                return await renderer(request, status, code, detail)
    return error_response(status, code, detail, **extra)


class FieldError(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ErrorRead(BaseModel):
    """The one error body: a stable snake_case code and a message for people."""

    error: str
    detail: str
    fields: list[FieldError] | None = None


# What any /api/v1 operation may answer besides its success: authentication, permission, data
# scope, state conflicts, shape, throttling (crm_core.errors).
API_ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)


def install_openapi(app: FastAPI) -> None:
    """Declare the real error body for every API operation, in place of FastAPI's default 422
    schema (`{"detail": [...]}`), which our handler never sends."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, routes=app.routes, servers=app.servers
            )
            ref = {"$ref": "#/components/schemas/ErrorRead"}
            error_schema = ErrorRead.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(error_schema.pop("$defs", {}), ErrorRead=error_schema)
            # FastAPI's default 422 body, which the handler below never sends.
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    responses = operation.setdefault("responses", {})
                    for status in API_ERROR_STATUSES:
                        responses[str(status)] = {
                            "description": STATUS_CODES[status],
                            "content": {"application/json": {"schema": ref}},
                        }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _field_of(error: Any) -> list[str]:
    """The field a cross-field rule named (FieldValueError), appended to the model's location."""
    cause = (error.get("ctx") or {}).get("error")
    return [cause.field] if isinstance(cause, FieldValueError) else []


def install_error_handlers(app: FastAPI) -> None:
    async def on_crm_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, CRMError)
        extra: dict[str, Any] = (
            {"retry_after": error.retry_after} if hasattr(error, "retry_after") else {}
        )
        if field := error.context.get("field"):
            # A refusal about one input (raised with field=...): shown under that input.
            extra["fields"] = [{"loc": ["body", field], "msg": error.detail, "type": "value_error"}]
        if problems := error.context.get("problems"):
            # Refusals about nested inputs ((loc, msg) pairs), typed with the error's own code.
            extra["fields"] = [
                {"loc": ["body", *loc], "msg": msg, "type": error.code} for loc, msg in problems
            ]
        return await _respond(request, error.status_code, error.code, error.detail, **extra)

    async def on_validation(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        fields = [
            {
                "loc": [*(str(p) for p in e["loc"]), *_field_of(e)],
                "msg": e["msg"],
                "type": e["type"],
            }
            for e in error.errors()
        ]
        return await _respond(
            request, 422, "validation_error", "提交的数据格式不正确", fields=fields
        )

    async def on_http(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        code = STATUS_CODES.get(error.status_code, "http_error")
        detail = STATUS_MESSAGES.get(error.status_code, str(error.detail))
        return await _respond(request, error.status_code, code, detail)

    async def on_column_validation(request: Request, error: Exception) -> Response:
        # The last line of defence: a value its column cannot hold (too long) reached the ORM,
        # in a filter or a save. Bad input all the same, so not a 500.
        log.warning(
            "value refused by the ORM on %s %s: %s", request.method, request.url.path, error
        )
        return await _respond(request, 422, "validation_error", "提交的数据超出允许的长度或范围")

    async def on_unexpected(request: Request, error: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        return await _respond(request, 500, "internal_error", "服务器内部错误，请稍后重试")

    app.add_exception_handler(CRMError, on_crm_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(ColumnValidationError, on_column_validation)
    app.add_exception_handler(Exception, on_unexpected)


SESSION_COOKIE = "scrm_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        # Browsers send Origin on cross-site POSTs; its absence means a same-site or non-browser
        # client, and the synchronizer token still has to match.
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _load_principal(request: Request, staff_id: int) -> Principal:
    principal = await _loader[0](
        staff_id, client_ip(request), request.headers.get("user-agent", "")
    )
    if principal is None:
        raise NotAuthenticatedError("账号已停用或不存在")
    return principal


async def _principal_from_bearer(request: Request) -> Principal:
    from crm_core import security

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticatedError("请先登录（会话 Cookie 或 Authorization: Bearer …）")
    ttl = get_settings().auth.token_ttl_seconds
    session = await security.load_session(token.strip(), kind="api", ttl_seconds=ttl)
    if session is None:
        raise NotAuthenticatedError("访问令牌无效或已过期，请重新登录")
    return await _load_principal(request, session.staff_id)


async def _principal_from_cookie(request: Request) -> Principal:
    """The console session cookie, shared with the Jinja pages. A cookie rides along on any
    request the browser makes, so unsafe methods must also prove they come from our own page."""
    from crm_core import security

    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise NotAuthenticatedError()
    ttl = get_settings().auth.session_ttl_seconds
    session = await security.load_session(token, kind="console", ttl_seconds=ttl)
    if session is None:
        raise NotAuthenticatedError("登录已过期，请重新登录")
    principal = await _load_principal(request, session.staff_id)
    if request.method in UNSAFE_METHODS and not (
        same_origin(request)
        and security.csrf_matches(session.csrf_token, request.headers.get("x-csrf-token"))
    ):
        raise CSRFError()
    request.state.csrf_token = session.csrf_token
    request.state.session_token = token
    return principal


async def _api_principal(request: Request) -> Principal:
    # A Bearer token wins: no browser attaches one by itself, so it needs no CSRF check.
    if request.headers.get("authorization") or SESSION_COOKIE not in request.cookies:
        return await _principal_from_bearer(request)
    return await _principal_from_cookie(request)


def set_session_cookie(response: Response, token: str, ttl_seconds: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=get_settings().is_prod,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=get_settings().is_prod, path="/"
    )


def check_json_login(request: Request) -> None:
    """Login CSRF: a cross-site form can send neither JSON nor our Origin, so demanding both
    stops another site from signing the victim in to the attacker's account."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json" or not same_origin(request):
        raise CSRFError()


ApiPrincipal = Annotated[Principal, Depends(_api_principal)]
BearerPrincipal = Annotated[Principal, Depends(_principal_from_bearer)]
SessionPrincipal = Annotated[Principal, Depends(_principal_from_cookie)]


class require:  # noqa: N801 - reads as a dependency: Depends(require("org.staff:create"))
    """Deny by default: every protected route names the one permission it needs."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    async def __call__(self, principal: ApiPrincipal) -> Principal:
        if not principal.can(self.permission):
            raise PermissionDeniedError()
        return principal


def content_disposition(filename: str, *, inline: bool = False) -> dict[str, str]:
    """A download header that survives Chinese file names (RFC 6266 / 5987): HTTP headers are
    Latin-1, so the real name goes percent-encoded, with an ASCII fallback for old clients."""
    from urllib.parse import quote

    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "inline" if inline else "attachment"
    return {
        "Content-Disposition": (
            f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
        )
    }
