"""Imports every package's tasks module so the worker knows all task names."""

import importlib

TASK_MODULES = [
    "crm_core.tasks",
    "crm_core.customers.pool.tasks",
    "crm_core.export_jobs.tasks",
    "crm_core.approvals.tasks",
    "crm_core.sales.quotes.tasks",
    "crm_core.payments.tasks",
    "wechat.tasks",
    "members.tasks",
    "sms_gateway.tasks",
    "loyalty.tasks",
    "campaigns.tasks",
    "analytics.reviews.tasks",
    "analytics.customers.tasks",
]


def register_all() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)
