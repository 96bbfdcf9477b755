"""create_app(): the one FastAPI application (REST API, admin console, H5, WeChat callback)."""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from analytics.api import router as analytics_api
from analytics.customers import nav as customers_analysis_nav
from analytics.customers.api import router as customers_analysis_api
from analytics.reviews import h5 as reviews_h5
from analytics.reviews import nav as reviews_nav
from analytics.reviews.api import router as reviews_api
from campaigns import nav as campaigns_nav
from campaigns.api import router as campaigns_api
from campaigns.links.views import router as campaigns_links
from crm_core import health
from crm_core.approvals import nav as approvals_nav
from crm_core.approvals.api import router as approvals_api
from crm_core.catalog import nav as catalog_nav
from crm_core.catalog.api import router as catalog_api
from crm_core.config import get_settings
from crm_core.customer360.api import router as customer360_api
from crm_core.customers import nav as customers_nav
from crm_core.customers import sections as customer_sections
from crm_core.customers.api import router as customers_api
from crm_core.customers.pool import nav as pool_nav
from crm_core.customers.pool.api import router as pool_api
from crm_core.export_jobs.api import router as export_jobs_api
from crm_core.http import install_error_handlers, install_openapi
from crm_core.member_links import nav as member_links_nav
from crm_core.member_links.api import router as member_links_api
from crm_core.org.api import router as org_api
from crm_core.payments import nav as payments_nav
from crm_core.payments import sections as payments_sections
from crm_core.payments.api import router as payments_api
from crm_core.sales import sections as sales_sections
from crm_core.sales.api import router as sales_api
from crm_core.sales.contracts import nav as contracts_nav
from crm_core.sales.contracts.api import router as contracts_api
from crm_core.sales.leads import nav as leads_nav
from crm_core.sales.leads.api import router as leads_api
from crm_core.sales.opportunities import nav as opportunities_nav
from crm_core.sales.opportunities.api import router as opportunities_api
from crm_core.sales.orders import nav as orders_nav
from crm_core.sales.orders.api import router as orders_api
from crm_core.sales.quotes import nav as quotes_nav
from crm_core.sales.quotes.api import router as quotes_api
from crm_core.validation import reject_nul
from crm_core.web import console, spa
from loyalty import customer360 as loyalty_360
from loyalty import nav as loyalty_nav
from loyalty.api import router as loyalty_api
from loyalty.h5 import router as loyalty_h5
from members import customer360 as member_360
from members import h5kit
from members import nav as member_nav
from members.api import all_routers as member_api
from members.h5 import router as member_h5
from scrm import wiring
from sms_gateway import nav as sms_nav
from sms_gateway.api import router as sms_api
from wechat import nav as wechat_nav
from wechat.api import router as wechat_api
from wechat.callback_api import router as wechat_callback
from wechat.service import relay
from wechat.views import router as wechat_views

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
        # What start-up built lives as long as the process: keep it out of the collector's
        # full passes, which otherwise stall every request for ~100 ms now and then.
        gc.freeze()
        stop = asyncio.Event()
        # Each web process relays stored WeChat events to the workers (wechat/service/relay.py).
        relaying = asyncio.create_task(relay.run_relay(stop))
        try:
            yield
        finally:
            stop.set()
            await relaying
            await wiring.shutdown()

    docs = None if settings.is_prod else "/docs"
    app = FastAPI(
        title="SCRM",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=docs,
        redoc_url=None,
        openapi_url=None if settings.is_prod else "/openapi.json",
        swagger_ui_parameters={"persistAuthorization": True},
        dependencies=[Depends(reject_nul)],
    )
    # Each package's console menu entries, in display order (crm_core's own come first).
    for package_nav in (
        customers_nav,
        pool_nav,
        leads_nav,
        opportunities_nav,
        approvals_nav,
        catalog_nav,
        quotes_nav,
        contracts_nav,
        orders_nav,
        payments_nav,
        wechat_nav,
        sms_nav,
        member_nav,
        loyalty_nav,
        campaigns_nav,
        reviews_nav,
        customers_analysis_nav,
    ):
        package_nav.register()
    # Member links (their permissions and the 关联冲突 list) and the customer 360's sections.
    member_links_nav.register()
    reviews_h5.register()
    for package_360 in (
        customer_sections,
        sales_sections,
        payments_sections,
        member_360,
        loyalty_360,
    ):
        package_360.register()
    install_error_handlers(app)
    install_openapi(app)
    console.install(app)
    h5kit.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The WeChat callback is the hottest path: first in line for route matching.
    app.include_router(wechat_callback)
    app.include_router(org_api)
    app.include_router(sms_api)
    app.include_router(wechat_api)
    app.include_router(wechat_views)
    app.include_router(member_api)
    app.include_router(member_h5)
    app.include_router(loyalty_h5)
    app.include_router(sales_api)
    app.include_router(customers_api)
    app.include_router(pool_api)
    app.include_router(leads_api)
    app.include_router(opportunities_api)
    app.include_router(approvals_api)
    app.include_router(customer360_api)
    app.include_router(member_links_api)
    app.include_router(catalog_api)
    app.include_router(quotes_api)
    app.include_router(reviews_api)
    app.include_router(reviews_h5.router)
    app.include_router(contracts_api)
    app.include_router(orders_api)
    app.include_router(payments_api)
    app.include_router(loyalty_api)
    app.include_router(campaigns_api)
    app.include_router(campaigns_links)
    app.include_router(analytics_api)
    app.include_router(customers_analysis_api)
    app.include_router(export_jobs_api)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        ok, checks = await health.check_all()
        return JSONResponse(
            {"status": "ok" if ok else "degraded", "checks": checks}, status_code=200 if ok else 503
        )

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/admin", status_code=302)

    # Last: the console's catch-all must not shadow any route above.
    spa.install(app)
    return app
