"""Public pool tasks."""

from crm_core.celery import task
from crm_core.customers.pool.service import sweep


@task("customers.sweep_pool")
async def sweep_pool() -> dict[str, int]:
    """Daily: drop the customers past their rule's days, remind the owners of tomorrow's."""
    return (await sweep.sweep()).model_dump()
