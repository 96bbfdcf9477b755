"""Customer analysis tasks; each wraps one service call."""

from analytics.customers import service
from crm_core.celery import task


@task("analytics.rebuild_rfm")
async def rebuild_rfm() -> int:
    return await service.rebuild_rfm()
