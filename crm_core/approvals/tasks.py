"""Approval tasks."""

from crm_core.approvals.service import reminders
from crm_core.celery import task


@task("crm_core.approvals.remind_overdue")
async def remind_overdue() -> int:
    return await reminders.remind_overdue()
