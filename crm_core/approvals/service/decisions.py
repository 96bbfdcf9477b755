"""Decide a step: approve, reject (reason required), return for changes, delegate. Every
decision is a compare-and-set on (request, step, version): two approvers at once, one wins."""

from crm_core import audit, clock
from crm_core.approvals import rules
from crm_core.approvals.errors import (
    DelegateInvalidError,
    DelegateNotFoundError,
    NotApproverError,
    OwnRequestError,
    StaleDecisionError,
    WrongStateError,
)
from crm_core.approvals.models import (
    ActionKind,
    ApprovalAction,
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from crm_core.approvals.schemas import Decision, Delegation, Refusal, RequestDetail
from crm_core.approvals.service._common import audit_view, read_detail, request_in_scope
from crm_core.approvals.service.flows import kind_or_404
from crm_core.approvals.service.requests import STATUS_LABELS
from crm_core.db import unit_of_work
from crm_core.org.scope import staff_in_scope
from crm_core.org.service.auth import principal_for
from crm_core.permissions import Principal

APPROVER_PERMISSION = "approvals.request:view"


async def _turn(
    principal: Principal, request_id: int, data: Decision | Refusal, action: str
) -> tuple[ApprovalRequest, ApprovalStep]:
    """The request and its pending step, when it is the caller's turn to decide it."""
    request = await request_in_scope(principal, request_id)
    return request, await _step_to_decide(principal, request, data, action)


async def _step_to_decide(
    principal: Principal, request: ApprovalRequest, data: Decision | Refusal, action: str
) -> ApprovalStep:
    if request.status != RequestStatus.PENDING:
        raise WrongStateError(status=STATUS_LABELS[request.status], action=action)
    if request.current_step != data.step or request.version != data.version:
        raise StaleDecisionError()
    if request.requester_id == principal.staff_id:
        raise OwnRequestError()
    step = await ApprovalStep.get(request_id=request.id, seq=request.current_step)
    if step.approver_id != principal.staff_id:
        raise NotApproverError()
    return step


async def _claim(request: ApprovalRequest, data: Decision | Refusal, **values: object) -> None:
    claimed = await ApprovalRequest.filter(
        id=request.id,
        current_step=data.step,
        version=data.version,
        status=RequestStatus.PENDING,
    ).update(version=data.version + 1, updated_at=clock.utc_now(), **values)
    if claimed != 1:
        raise StaleDecisionError()
    await request.refresh_from_db()


async def _log(
    principal: Principal,
    request: ApprovalRequest,
    action: ActionKind,
    before: dict[str, object],
    *,
    step_seq: int,
    comment: str = "",
    target_id: int | None = None,
) -> None:
    await ApprovalAction.create(
        request=request,
        step_seq=step_seq,
        action=action,
        actor_id=principal.staff_id,
        target_id=target_id,
        comment=comment,
        at=clock.utc_now(),
    )
    after = audit_view(request) | ({"to_staff_id": target_id} if target_id else {})
    await audit.record(
        audit.actor_of(principal),
        f"approval.{action.value}",
        target_type="approval_request",
        target_id=request.id,
        before=before,
        after=after,
        reason=comment,
    )


async def approve(principal: Principal, request_id: int, data: Decision) -> RequestDetail:
    request, step = await _turn(principal, request_id, data, "审批")
    kind = kind_or_404(request.kind)
    before, now = audit_view(request), clock.utc_now()
    steps = await ApprovalStep.filter(request_id=request.id).values_list("seq", "status")
    following = rules.first_open([(int(s), str(t)) for s, t in steps], after=step.seq)
    async with unit_of_work():
        if following is None:
            await _claim(
                request,
                data,
                status=RequestStatus.APPROVED,
                decided_at=now,
                locks_record=kind.lock_approved,
            )
        else:
            await _claim(
                request, data, current_step=following, step_started_at=now, last_reminded_at=None
            )
            await ApprovalStep.filter(request_id=request.id, seq=following).update(
                status=StepStatus.PENDING
            )
        await ApprovalStep.filter(id=step.id).update(
            status=StepStatus.APPROVED, comment=data.comment, decided_at=now
        )
        await _log(
            principal, request, ActionKind.APPROVE, before, step_seq=step.seq, comment=data.comment
        )
        if following is None:
            await kind.on_approved(request.record_id, request.amount_fen, audit.actor_of(principal))
    return await read_detail(request)


async def refuse(
    principal: Principal, request_id: int, data: Refusal, *, give_back: bool
) -> RequestDetail:
    """Reject (final), or return for changes (the requester edits and resubmits). Either way
    the record is unlocked and the steps not reached are cancelled."""
    request, step = await _turn(principal, request_id, data, "退回" if give_back else "驳回")
    kind = kind_or_404(request.kind)
    before, now = audit_view(request), clock.utc_now()
    status = RequestStatus.RETURNED if give_back else RequestStatus.REJECTED
    async with unit_of_work():
        await _claim(
            request, data, status=status, locks_record=False, decided_at=None if give_back else now
        )
        await ApprovalStep.filter(id=step.id).update(
            status=StepStatus.RETURNED if give_back else StepStatus.REJECTED,
            comment=data.comment,
            decided_at=now,
        )
        await ApprovalStep.filter(request_id=request.id, status=StepStatus.WAITING).update(
            status=StepStatus.CANCELLED
        )
        action = ActionKind.RETURN if give_back else ActionKind.REJECT
        await _log(principal, request, action, before, step_seq=step.seq, comment=data.comment)
        if not give_back and kind.on_rejected is not None:
            await kind.on_rejected(request.record_id, request.amount_fen, audit.actor_of(principal))
    return await read_detail(request)


async def delegate(principal: Principal, request_id: int, data: Delegation) -> RequestDetail:
    request = await request_in_scope(principal, request_id)
    # Out of scope answers like missing, whoever asks.
    target = await staff_in_scope(principal).get_or_none(id=data.to_staff_id)
    if target is None:
        raise DelegateNotFoundError()
    step = await _step_to_decide(principal, request, data, "转交")
    if target.id in (principal.staff_id, request.requester_id):
        raise DelegateInvalidError(who="自己或发起人", field="to_staff_id")
    delegate_principal = await principal_for(target.id)
    if delegate_principal is None or not delegate_principal.can(APPROVER_PERMISSION):
        raise DelegateInvalidError(
            who=f"{target.name}（已停用或没有审批权限）", field="to_staff_id"
        )
    before = audit_view(request)
    async with unit_of_work():
        # A new person to decide: the reminder clock restarts for them.
        await _claim(request, data, step_started_at=clock.utc_now(), last_reminded_at=None)
        await ApprovalStep.filter(id=step.id).update(approver_id=target.id)
        await _log(
            principal,
            request,
            ActionKind.DELEGATE,
            before,
            step_seq=step.seq,
            comment=data.comment,
            target_id=target.id,
        )
    return await read_detail(request)
