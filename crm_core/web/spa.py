"""Serve the admin console: the single-page app built from `console/` by Vite.

Hashed files under /admin/assets/ are cached for a year (their names change when they do);
index.html is never cached, and every other GET under /admin answers with it, so deep links
work. Registered after every other route: a path another router owns is never shadowed.
"""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DIST = Path(__file__).parents[2] / "console" / "dist"

# Element Plus positions popovers with inline styles; scripts come only from our own origin.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'"
)
ASSET_CACHE = "public, max-age=31536000, immutable"

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>控制台尚未构建</title>
<body style="font-family:sans-serif;padding:40px"><h1>管理后台尚未构建</h1>
<p>请在项目目录运行 <code>make setup</code>（执行 <code>npm ci</code> 并构建
<code>console/</code>），然后刷新本页。</p>
</body></html>"""


class _Assets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = ASSET_CACHE
        return response


def install(app: FastAPI) -> None:
    assets = DIST / "assets"
    if assets.is_dir():
        app.mount("/admin/assets", _Assets(directory=assets), name="console-assets")

    async def index(request: Request) -> Response:
        page = DIST / "index.html"
        if not page.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})
        return FileResponse(
            page,
            media_type="text/html",
            headers={"Cache-Control": "no-cache", "Content-Security-Policy": POLICY},
        )

    for path in ("/admin", "/admin/{rest:path}"):
        app.add_api_route(path, index, methods=["GET", "HEAD"], include_in_schema=False)
