"""Reads shared by the approval use cases: scoped lookups and representations."""

from crm_core.approvals import repository
from crm_core.approvals.errors import ApprovalNotFoundError
from crm_core.approvals.models import ApprovalAction, ApprovalRequest, ApprovalStep
from crm_core.approvals.registry import get_kind
from crm_core.approvals.schemas import ActionRead, RequestDetail, RequestRead, StepRead
from crm_core.permissions import Principal


async def request_in_scope(principal: Principal, request_id: int) -> ApprovalRequest:
    request = await repository.in_scope(principal).get_or_none(id=request_id)
    if request is None:
        raise ApprovalNotFoundError()
    return request


def _read(
    request: ApprovalRequest,
    current: ApprovalStep | None,
    names: dict[int, str],
    reminders: int,
) -> RequestRead:
    kind = get_kind(request.kind)
    approver = current.approver_id if current else None
    return RequestRead(
        id=request.id,
        kind=request.kind,
        kind_label=kind.label if kind else request.kind,
        record_id=request.record_id,
        detail_url=kind.detail_url.replace("{id}", str(request.record_id)) if kind else "",
        title=request.title,
        amount_fen=request.amount_fen,
        reason=request.reason,
        requester_id=request.requester_id,
        requester_name=names.get(request.requester_id, ""),
        status=request.status,
        current_step=request.current_step,
        current_approver_id=approver,
        current_approver_name=names.get(approver, "") if approver else "",
        version=request.version,
        locked=request.locks_record,
        submitted_at=request.submitted_at,
        decided_at=request.decided_at,
        reminders=reminders,
    )


async def read_many(requests: list[ApprovalRequest]) -> list[RequestRead]:
    ids = [r.id for r in requests]
    current = await repository.current_steps(ids)
    reminders = await repository.reminder_counts(ids)
    people: set[int | None] = {r.requester_id for r in requests}
    people |= {s.approver_id for s in current.values()}
    names = await repository.staff_names(people)
    return [_read(r, current.get(r.id), names, reminders.get(r.id, 0)) for r in requests]


async def read_detail(request: ApprovalRequest) -> RequestDetail:
    steps = await ApprovalStep.filter(request_id=request.id).order_by("seq")
    actions = await ApprovalAction.filter(request_id=request.id).order_by("id")
    people: set[int | None] = {request.requester_id}
    people |= {s.approver_id for s in steps} | {s.assigned_id for s in steps}
    people |= {a.actor_id for a in actions} | {a.target_id for a in actions}
    names = await repository.staff_names(people)
    [summary] = await read_many([request])
    return RequestDetail(
        **summary.model_dump(),
        steps=[
            StepRead(
                seq=s.seq,
                name=s.name,
                approver_id=s.approver_id,
                approver_name=names.get(s.approver_id, "") if s.approver_id else "",
                assigned_id=s.assigned_id,
                assigned_name=names.get(s.assigned_id, "") if s.assigned_id else "",
                status=s.status,
                comment=s.comment,
                decided_at=s.decided_at,
            )
            for s in steps
        ],
        actions=[
            ActionRead(
                step_seq=a.step_seq,
                action=a.action,
                actor_id=a.actor_id,
                actor_name=names.get(a.actor_id, "系统") if a.actor_id else "系统",
                target_name=names.get(a.target_id, "") if a.target_id else "",
                comment=a.comment,
                at=a.at,
            )
            for a in actions
        ],
    )


def audit_view(request: ApprovalRequest) -> dict[str, object]:
    return {
        "kind": request.kind,
        "record_id": request.record_id,
        "amount_fen": request.amount_fen,
        "status": request.status.value,
        "current_step": request.current_step,
        "version": request.version,
    }
