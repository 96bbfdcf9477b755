"""`/wechat/{appid}/callback`: GET verification, POST delivery. Thin: the service does the work."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from crm_core.config import get_settings
from wechat.errors import CallbackBodyTooLargeError
from wechat.service import callback

router = APIRouter(prefix="/wechat", include_in_schema=False)


async def _body(request: Request) -> bytes:
    """Read at most the cap; a longer body is refused before anything parses it (WH-6)."""
    limit = get_settings().wechat.callback_max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise CallbackBodyTooLargeError()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise CallbackBodyTooLargeError()
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/{appid}/callback")
async def verify(appid: str, request: Request) -> Response:
    echo = await callback.verify(appid, dict(request.query_params))
    return PlainTextResponse(echo)


async def receive(request: Request) -> Response:
    body = await _body(request)
    reply = await callback.receive(request.path_params["appid"], dict(request.query_params), body)
    if reply.startswith("<"):
        return Response(reply, media_type="application/xml")
    return PlainTextResponse(reply)


# The hottest route: a plain Starlette route (the request is all it needs), which skips
# FastAPI's parameter solving and response bookkeeping on every delivery. Errors still go
# through the app's exception handlers.
router.add_route(
    router.prefix + "/{appid}/callback", receive, methods=["POST"], include_in_schema=False
)
