"""Kernel tasks."""

from crm_core import clock
from crm_core.celery import task
from crm_core.redis import get_redis


@task("crm_core.record_heartbeat")
async def record_heartbeat() -> str:
    """Beat → worker round trip; /healthz and the demo show the last one."""
    moment = clock.utc_now().isoformat()
    await get_redis().set("scrm:heartbeat", moment, ex=600)
    return moment
