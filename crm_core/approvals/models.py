"""Approval flows (per record kind), requests with their resolved steps, the action history and
the reminders sent to approvers who sit on a request."""

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class StepStatus(StrEnum):
    WAITING = "waiting"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class ActionKind(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    DELEGATE = "delegate"
    WITHDRAW = "withdraw"
    RESUBMIT = "resubmit"
    REMIND = "remind"


class ApprovalFlow(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32, unique=True)
    # [{"name", "approver_type": "role"|"staff", "role", "staff_id", "min_amount_fen",
    #   "max_amount_fen"}], validated by schemas.FlowStep; a request snapshots what applies.
    steps: list[dict[str, Any]] = fields.JSONField(default=list)  # type: ignore[assignment]
    remind_after_hours = fields.IntField(default=24)
    updated_by_id = fields.IntField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "approval_flow"


class ApprovalRequest(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    record_id = fields.IntField()
    title = fields.CharField(max_length=128)
    amount_fen = fields.BigIntField(default=0)
    reason = fields.CharField(max_length=255, default="")
    requester_id = fields.IntField(db_index=True)
    requester_department_id = fields.IntField(null=True)
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.PENDING)
    # The step being decided (its seq); decisions compare-and-set (id, current_step, version).
    current_step = fields.IntField(default=0)
    version = fields.IntField(default=0)
    # The record is locked from submission until it is rejected, returned or withdrawn; an
    # approved request keeps it locked unless its kind says otherwise.
    locks_record = fields.BooleanField(default=True)
    step_started_at = fields.DatetimeField(null=True)
    last_reminded_at = fields.DatetimeField(null=True)
    submitted_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "approval_request"
        indexes = (("kind", "record_id"),)
        ordering = ("-id",)


class ApprovalStep(Model):
    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ApprovalRequest] = fields.ForeignKeyField(
        "crm_core.ApprovalRequest", related_name="steps", on_delete=fields.CASCADE
    )
    request_id: int
    seq = fields.IntField()
    name = fields.CharField(max_length=64)
    approver_id = fields.IntField(null=True, db_index=True)
    # Who the flow resolved before any delegation.
    assigned_id = fields.IntField(null=True)
    status = fields.CharEnumField(StepStatus, max_length=16, default=StepStatus.WAITING)
    comment = fields.CharField(max_length=255, default="")
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "approval_step"
        unique_together = (("request", "seq"),)
        ordering = ("seq",)


class ApprovalAction(Model):
    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ApprovalRequest] = fields.ForeignKeyField(
        "crm_core.ApprovalRequest", related_name="actions", on_delete=fields.CASCADE
    )
    request_id: int
    step_seq = fields.IntField(default=0)
    action = fields.CharEnumField(ActionKind, max_length=16)
    actor_id = fields.IntField(null=True)
    target_id = fields.IntField(null=True)
    comment = fields.CharField(max_length=255, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "approval_action"
        ordering = ("id",)


class ApprovalReminder(Model):
    """A reminder to the approver of a step pending too long: their 审批中心 shows it."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ApprovalRequest] = fields.ForeignKeyField(
        "crm_core.ApprovalRequest", related_name="reminders", on_delete=fields.CASCADE
    )
    request_id: int
    step_seq = fields.IntField()
    approver_id = fields.IntField(db_index=True)
    at = fields.DatetimeField()

    class Meta:
        table = "approval_reminder"
        ordering = ("-id",)
