"""The fake WeChat server as one FastAPI app (wechat.md §5)."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from wechat.sandbox import (
    admin,
    api_core,
    api_media_oauth,
    api_messages,
    api_pay,
    api_users,
    phone,
)
from wechat.sandbox.calls import WeChatFailError, fail_response
from wechat.sandbox.state import SandboxState


def create_sandbox_app(
    *,
    apps: list[dict[str, Any]] | None = None,
    users: list[dict[str, Any]] | None = None,
    merchants: list[dict[str, Any]] | None = None,
    page_size: int = 10000,
    push_timeout: float = 5.0,
    push_attempts: int = 3,
    clock_start: float | None = None,
    sms_inbox: str | None = None,
) -> FastAPI:
    """`apps`/`users`/`merchants` take the shapes of `POST /__admin/reset`; timeouts mirror
    WeChat's.
    `sms_inbox`: a JSON URL of delivered SMS (the demo's modem simulators) that the phone page
    shows as the handset's text messages."""
    app = FastAPI(title="WeChat sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    state = SandboxState(
        page_size=page_size, push_timeout=push_timeout, push_attempts=push_attempts
    )
    admin.seed(
        state,
        {
            "apps": [dict(a) for a in apps or []],
            "users": [dict(u) for u in users or []],
            "merchants": [dict(m) for m in merchants or []],
        },
    )
    if clock_start is not None:
        state.clock.set(clock_start)
    app.state.sandbox = state
    app.state.sms_inbox = sms_inbox

    async def wechat_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, WeChatFailError)
        return fail_response(exc.errcode, exc.extra)

    app.add_exception_handler(WeChatFailError, wechat_error)
    for module in (api_core, api_messages, api_users, api_media_oauth, api_pay, admin, phone):
        app.include_router(module.router)
    return app


def run_sandbox(
    host: str = "127.0.0.1", port: int = 8900, *, fd: int | None = None, **options: Any
) -> None:
    import uvicorn

    uvicorn.run(create_sandbox_app(**options), host=host, port=port, fd=fd, log_level="info")
