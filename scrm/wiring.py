"""Composition root: which models exist, and how a process (web, worker, CLI) boots."""

import os
from dataclasses import dataclass
from typing import Any

from crm_core import celery as celery_kernel
from crm_core import db, http
from crm_core import redis as redis_kernel
from crm_core.config import Settings, get_settings
from crm_core.customers import approvals as customer_approvals
from crm_core.customers import exports as customer_exports
from crm_core.export_jobs import service as export_jobs
from crm_core.member_links import service as member_links
from crm_core.org.service import auth
from crm_core.org.service import exports as org_exports
from crm_core.payments import approvals as payment_approvals
from crm_core.sales import service as sales
from crm_core.sales.contracts import approvals as contract_approvals
from crm_core.sales.orders import approvals as order_approvals
from crm_core.sales.quotes import approvals as quote_approvals
from loyalty import caller
from loyalty import exports as loyalty_exports
from loyalty import merge as loyalty_merge
from members import customer_links
from members import exports as member_exports
from members import merge as member_merge
from members import service as member_service
from sms_gateway.service import inbound
from wechat import exports as wechat_exports
from wechat.service import fans as wechat_fans

TORTOISE_APPS: dict[str, list[str]] = {
    "crm_core": [
        "crm_core.org.models",
        "crm_core.audit",
        "crm_core.sales.models",
        "crm_core.customers.models",
        "crm_core.customers.pool.models",
        "crm_core.sales.leads.models",
        "crm_core.sales.opportunities.models",
        "crm_core.approvals.models",
        "crm_core.member_links.models",
        "crm_core.catalog.models",
        "crm_core.sales.quotes.models",
        "crm_core.sales.contracts.models",
        "crm_core.sales.orders.models",
        "crm_core.payments.models",
    ],
    "wechat": ["wechat.models"],
    "members": ["members.models"],
    "sms_gateway": ["sms_gateway.models"],
    "campaigns": [
        "campaigns.models",
        "campaigns.segments.models",
        "campaigns.sends.models",
        "campaigns.care.models",
        "campaigns.mass.models",
        "campaigns.links.models",
    ],
    "loyalty": [
        "loyalty.program.models",
        "loyalty.points.models",
        "loyalty.coupons.models",
        "loyalty.lottery.models",
        "loyalty.mall.models",
        "loyalty.checkin.models",
        "loyalty.gifts.models",
        "loyalty.redpackets.models",
    ],
    "analytics": ["analytics.reviews.models", "analytics.customers.models"],
}


@dataclass(frozen=True)
class Urls:
    database: str
    redis: str
    broker: str


def resolve_urls(settings: Settings, *, start_embedded: bool = True) -> Urls:
    """Configured URLs win; else start the embedded servers and export their URLs to children."""
    database, redis_url = settings.database_url, settings.redis_url
    broker = settings.celery_broker_url
    if (database is None or redis_url is None) and start_embedded:
        from crm_core.embedded import start_embedded as start

        servers = start(settings.var_dir)
        database = database or servers.database_url
        if redis_url is None:
            redis_url, broker = servers.redis_url, broker or servers.celery_broker_url
        # Children (uvicorn, Celery) inherit these, so every process shares the same servers.
        os.environ.update(
            {
                "DATABASE_URL": database,
                "REDIS_URL": redis_url,
                "CELERY_BROKER_URL": broker or redis_url,
            }
        )
        get_settings.cache_clear()
    if database is None or redis_url is None:
        raise RuntimeError("DATABASE_URL and REDIS_URL must be set")
    return Urls(database=database, redis=redis_url, broker=broker or _broker_from(redis_url))


def _broker_from(redis_url: str) -> str:
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://").split("?", 1)[0]
    return redis_url


def tortoise_config(urls: Urls) -> dict[str, object]:
    return db.tortoise_config(urls.database, TORTOISE_APPS)


async def _load_principal(staff_id: int, ip: str, user_agent: str):  # type: ignore[no-untyped-def]
    return await auth.principal_for(staff_id, ip=ip, user_agent=user_agent)


async def boot(urls: Urls) -> None:
    """Connect everything a process needs: database, Redis, job publisher, auth loader."""
    await db.init_db(tortoise_config(urls))
    redis_kernel.connect(urls.redis)
    celery_kernel.configure(urls.broker, boot=lambda: boot(urls), shutdown=shutdown)
    http.set_principal_loader(_load_principal)
    # Caller ID: the modem's incoming-call pop-up shows the member, their tier, points and
    # purchases.
    inbound.set_caller_lookup(caller.caller_card)
    # A till order may only name a member its operator may see.
    sales.set_member_check(member_service.is_visible)
    # Staff link only members they may see; the 关联冲突 list names the members.
    member_links.set_member_hooks(member_service.is_visible, member_service.display_names)
    # One person, one member: loyalty moves its assets when members merge two members.
    member_merge.register_hook(loyalty_merge.HOOK)
    member_merge.register_hook(customer_links.MERGE_HOOK)
    # What the console can export as a background job with a progress bar.
    sources = (org_exports, customer_exports, wechat_exports, member_exports, loyalty_exports)
    for source in (s for module in sources for s in module.EXPORT_SOURCES):
        export_jobs.register_source(source)
    # Record kinds the approval engine handles (crm_core/approvals/registry.py).
    customer_approvals.register()
    contract_approvals.register()
    order_approvals.register()
    quote_approvals.register()
    payment_approvals.register()
    # The inbox and fan pages show the member's name for a fan linked to a member.
    wechat_fans.set_member_names(member_service.display_names)


async def shutdown() -> None:
    await redis_kernel.close()
    await db.close_db()


# For `scrm makemigrations`, which reads models and migration files but never connects.
TORTOISE_ORM: dict[str, Any] = db.tortoise_config(
    "postgres://postgres@127.0.0.1/scrm", TORTOISE_APPS
)


async def migrate(urls: Urls) -> None:
    from tortoise.migrations.api.migrate import migrate as run_migrations

    from crm_core.org.service.roles import ensure_builtin_roles

    await run_migrations(config=tortoise_config(urls))
    await db.init_db(tortoise_config(urls))
    await ensure_builtin_roles()
