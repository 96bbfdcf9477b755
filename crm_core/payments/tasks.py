"""Payment tasks; each wraps one service call."""

from crm_core.celery import task
from crm_core.payments.service import ledger


@task("payments.check_ledger")
async def check_ledger() -> int:
    return len(await ledger.drifted_accounts())
