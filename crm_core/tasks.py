"""Kernel tasks."""

import os

from tortoise import connections

from crm_core.celery import task
from crm_core.redis import get_redis


@task("crm_core.record_heartbeat")
async def record_heartbeat() -> str:
    """Beat → worker round trip through PostgreSQL and Redis; records which process answered."""
    rows = await connections.get("default").execute_query_dict("SELECT now() AS at")
    moment = f"{rows[0]['at'].isoformat()} pid={os.getpid()}"
    await get_redis().set("scrm:heartbeat", moment, ex=600)
    return moment
