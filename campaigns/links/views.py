"""The public short-link route `/t/{code}`: no login; a phone's browser follows it from a
message."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from campaigns.links import service
from campaigns.links.errors import LinkNotFoundError

router = APIRouter(include_in_schema=False)
MISSING = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>链接已失效</title>
<style>body{font-family:sans-serif;text-align:center;padding:4em 1em;color:#333}
p{color:#888}</style></head>
<body><h1>链接不存在或已失效</h1><p>请检查链接是否完整，或联系发送消息的商家。</p></body></html>
"""
# Every visit must reach us to be counted: no cached redirect.
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/t/{code}")
async def follow(code: str, request: Request) -> Response:
    try:
        url = await service.follow(code, request.headers.get("user-agent", ""))
    except LinkNotFoundError:
        return HTMLResponse(MISSING, status_code=404, headers=NO_STORE)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)
