"""Timeout reminders: a step pending longer than its flow's `remind_after_hours` reminds the
current approver once per period (a reminder row their 审批中心 shows, and an audit row)."""

from datetime import timedelta

from crm_core import audit, clock
from crm_core.approvals import repository
from crm_core.approvals.models import (
    ActionKind,
    ApprovalAction,
    ApprovalReminder,
    ApprovalRequest,
    ApprovalStep,
)
from crm_core.approvals.registry import KINDS
from crm_core.approvals.service.flows import steps_for
from crm_core.db import unit_of_work


async def remind_overdue() -> int:
    """Idempotent under concurrent runs: each reminder claims its request by compare-and-set on
    `last_reminded_at`, so two beats in the same period remind once."""
    now, sent = clock.utc_now(), 0
    for kind in KINDS:
        _, hours = await steps_for(kind)
        cut = now - timedelta(hours=hours)
        for request in await repository.overdue(kind, cut):
            async with unit_of_work():
                previous = (
                    {"last_reminded_at__isnull": True}
                    if request.last_reminded_at is None
                    else {"last_reminded_at": request.last_reminded_at}
                )
                claimed = await ApprovalRequest.filter(
                    id=request.id, version=request.version, **previous
                ).update(last_reminded_at=now)
                if not claimed:
                    continue
                step = await ApprovalStep.get(request_id=request.id, seq=request.current_step)
                if step.approver_id is None:
                    continue
                await ApprovalReminder.create(
                    request=request, step_seq=step.seq, approver_id=step.approver_id, at=now
                )
                await ApprovalAction.create(
                    request=request,
                    step_seq=step.seq,
                    action=ActionKind.REMIND,
                    target_id=step.approver_id,
                    at=now,
                )
                await audit.record(
                    audit.SYSTEM,
                    "approval.reminded",
                    target_type="approval_request",
                    target_id=request.id,
                    after={"approver_id": step.approver_id, "step": step.seq},
                )
                sent += 1
    return sent
