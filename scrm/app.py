"""create_app(): the one FastAPI application (REST API, admin console, H5, WeChat callback)."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from crm_core import health
from crm_core.config import get_settings
from crm_core.http import install_error_handlers
from crm_core.org.api import router as org_api
from crm_core.org.views import router as org_views
from crm_core.web import console
from scrm import wiring

STATIC = Path(console.__file__).parent / "static"


def create_app(*, boot: bool = True) -> FastAPI:
    """boot=False when the caller (tests, benchmarks) has already connected the servers."""
    settings = get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not boot:
            yield
            return
        await wiring.boot(wiring.resolve_urls(settings))
        try:
            yield
        finally:
            await wiring.shutdown()

    docs = None if settings.is_prod else "/docs"
    app = FastAPI(title="SCRM", version="0.1.0", lifespan=lifespan, docs_url=docs,
                  redoc_url=None, openapi_url=None if settings.is_prod else "/openapi.json",
                  swagger_ui_parameters={"persistAuthorization": True})
    install_error_handlers(app)
    console.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(org_api)
    app.include_router(org_views)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        ok, checks = await health.check_all()
        return JSONResponse({"status": "ok" if ok else "degraded", "checks": checks},
                            status_code=200 if ok else 503)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/admin", status_code=302)

    return app
