"""Quote tasks; each wraps one service call."""

from crm_core.celery import task
from crm_core.sales.quotes.service import quotes


@task("sales.expire_quotes")
async def expire_quotes() -> int:
    return await quotes.expire_quotes()
