"""Payment tasks; each wraps one service call."""

from crm_core.celery import task
from crm_core.payments.service import ledger, receivables


@task("payments.check_ledger")
async def check_ledger() -> int:
    return len(await ledger.drifted_accounts())


@task("payments.plan_reminders")
async def plan_reminders() -> int:
    return await receivables.record_reminders()
