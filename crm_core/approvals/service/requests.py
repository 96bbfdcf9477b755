"""Submit, list, read, withdraw and resubmit approval requests. Submission snapshots the amount
and the resolved approvers: later changes to the flow or the organisation do not move them."""

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.approvals import repository, rules
from crm_core.approvals.errors import (
    AlreadyOpenError,
    ApproverNotFoundError,
    NotRequesterError,
    RecordLockedError,
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
from crm_core.approvals.schemas import (
    Box,
    RequestCreate,
    RequestDetail,
    RequestPage,
    Resubmission,
    Withdrawal,
)
from crm_core.approvals.service._common import (
    audit_view,
    read_detail,
    read_many,
    request_in_scope,
)
from crm_core.approvals.service.flows import kind_or_404, steps_for
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.permissions import Principal

STATUS_LABELS = {
    RequestStatus.PENDING: "审批中",
    RequestStatus.APPROVED: "已通过",
    RequestStatus.REJECTED: "已驳回",
    RequestStatus.RETURNED: "已退回",
    RequestStatus.WITHDRAWN: "已撤回",
}


async def list_requests(
    principal: Principal,
    box: Box,
    *,
    kind: str | None,
    record_id: int | None,
    status: RequestStatus | None,
    page: int,
    page_size: int,
) -> RequestPage:
    query = repository.box(principal, box)
    if kind:
        query = query.filter(kind=kind)
    if record_id is not None:
        query = query.filter(record_id=record_id)
    if status is not None:
        query = query.filter(status=status)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return RequestPage(items=await read_many(rows), total=total, page=page, page_size=page_size)


async def get_request(principal: Principal, request_id: int) -> RequestDetail:
    return await read_detail(await request_in_scope(principal, request_id))


async def resolve_steps(
    principal: Principal, kind: str, amount_fen: int
) -> list[tuple[str, int | None, StepStatus]]:
    """(name, approver, status) per flow step: steps whose amount range excludes the amount
    are kept as skipped (the seed: 第二步直接自动批准), so the timeline shows them."""
    flow, _ = await steps_for(kind)
    resolved: list[tuple[str, int | None, StepStatus]] = []
    for step in flow:
        if not rules.step_applies(step, amount_fen):
            resolved.append((step["name"], None, StepStatus.SKIPPED))
            continue
        approver: Staff | None
        if step["approver_type"] == "staff":
            approver = await Staff.get_or_none(id=step["staff_id"], is_active=True)
        else:
            approver = await repository.approver_by_role(
                principal.department_id, step["role"], exclude=principal.staff_id
            )
        if approver is None or approver.id == principal.staff_id:
            raise ApproverNotFoundError(step=step["name"])
        resolved.append((step["name"], approver.id, StepStatus.WAITING))
    if not any(status == StepStatus.WAITING for _, _, status in resolved):
        raise ApproverNotFoundError(step="审批")
    return resolved


async def _start_round(
    request: ApprovalRequest,
    resolved: list[tuple[str, int | None, StepStatus]],
    first_seq: int,
    now: datetime,
) -> int:
    """Write the round's steps; the first waiting one becomes pending. Returns its seq."""
    current = 0
    for offset, (name, approver, status) in enumerate(resolved):
        seq = first_seq + offset
        if status == StepStatus.WAITING and not current:
            current, status = seq, StepStatus.PENDING
        await ApprovalStep.create(
            request=request,
            seq=seq,
            name=name,
            approver_id=approver,
            assigned_id=approver,
            status=status,
        )
    return current


async def submit_request(principal: Principal, data: RequestCreate) -> RequestDetail:
    kind = kind_or_404(data.kind)
    subject = await kind.describe(principal, data.record_id, data.amount_fen)
    if await repository.open_request(kind.code, data.record_id) is not None:
        raise AlreadyOpenError()
    if await repository.is_locked(kind.code, data.record_id):
        raise RecordLockedError()
    resolved = await resolve_steps(principal, kind.code, subject.amount_fen)
    now = clock.utc_now()
    try:
        async with unit_of_work():
            request = await ApprovalRequest.create(
                kind=kind.code,
                record_id=data.record_id,
                title=subject.title[:128],
                amount_fen=subject.amount_fen,
                reason=data.reason,
                requester_id=principal.staff_id,
                requester_department_id=principal.department_id,
                step_started_at=now,
                submitted_at=now,
                updated_at=now,
            )
            request.current_step = await _start_round(request, resolved, 1, now)
            await request.save(update_fields=["current_step"])
            await ApprovalAction.create(
                request=request,
                step_seq=0,
                action=ActionKind.SUBMIT,
                actor_id=principal.staff_id,
                comment=data.reason,
                at=now,
            )
            await audit.record(
                audit.actor_of(principal),
                "approval.submitted",
                target_type="approval_request",
                target_id=request.id,
                after={**audit_view(request), "approvers": [a for _, a, _ in resolved]},
            )
    except IntegrityError:
        # The partial unique index: someone submitted the same record at the same moment.
        raise AlreadyOpenError() from None
    return await read_detail(request)


def _own(principal: Principal, request: ApprovalRequest, version: int, action: str) -> None:
    if request.requester_id != principal.staff_id:
        raise NotRequesterError()
    if request.version != version:
        raise StaleDecisionError()
    allowed = (
        (RequestStatus.PENDING, RequestStatus.RETURNED)
        if action == "撤回"
        else (RequestStatus.RETURNED,)
    )
    if request.status not in allowed:
        raise WrongStateError(status=STATUS_LABELS[request.status], action=action)


async def _claim(request: ApprovalRequest, version: int, **values: Any) -> None:
    """Compare-and-set on (id, version): of two concurrent writers exactly one gets the row."""
    claimed = await ApprovalRequest.filter(id=request.id, version=version).update(
        version=version + 1, updated_at=clock.utc_now(), **values
    )
    if claimed != 1:
        raise StaleDecisionError()
    await request.refresh_from_db()


async def withdraw_request(
    principal: Principal, request_id: int, data: Withdrawal
) -> RequestDetail:
    request = await request_in_scope(principal, request_id)
    _own(principal, request, data.version, "撤回")
    now = clock.utc_now()
    before = audit_view(request)
    async with unit_of_work():
        await _claim(
            request,
            data.version,
            status=RequestStatus.WITHDRAWN,
            locks_record=False,
            decided_at=now,
        )
        await ApprovalStep.filter(
            request_id=request.id, status__in=[StepStatus.PENDING, StepStatus.WAITING]
        ).update(status=StepStatus.CANCELLED)
        await ApprovalAction.create(
            request=request,
            step_seq=request.current_step,
            action=ActionKind.WITHDRAW,
            actor_id=principal.staff_id,
            at=now,
        )
        await audit.record(
            audit.actor_of(principal),
            "approval.withdrawn",
            target_type="approval_request",
            target_id=request.id,
            before=before,
            after=audit_view(request),
        )
    return await read_detail(request)


async def resubmit_request(
    principal: Principal, request_id: int, data: Resubmission
) -> RequestDetail:
    """After a return: the requester edited the record; the amount and approvers resolve anew."""
    request = await request_in_scope(principal, request_id)
    _own(principal, request, data.version, "重新提交")
    kind = kind_or_404(request.kind)
    subject = await kind.describe(principal, request.record_id, data.amount_fen)
    resolved = await resolve_steps(principal, kind.code, subject.amount_fen)
    now = clock.utc_now()
    before = audit_view(request)
    last = await ApprovalStep.filter(request_id=request.id).order_by("-seq").first()
    async with unit_of_work():
        await _claim(
            request,
            data.version,
            status=RequestStatus.PENDING,
            locks_record=True,
            title=subject.title[:128],
            amount_fen=subject.amount_fen,
            reason=data.reason or request.reason,
            step_started_at=now,
            last_reminded_at=None,
        )
        request.current_step = await _start_round(
            request, resolved, (last.seq if last else 0) + 1, now
        )
        await request.save(update_fields=["current_step"])
        await ApprovalAction.create(
            request=request,
            step_seq=0,
            action=ActionKind.RESUBMIT,
            actor_id=principal.staff_id,
            comment=data.reason,
            at=now,
        )
        await audit.record(
            audit.actor_of(principal),
            "approval.resubmitted",
            target_type="approval_request",
            target_id=request.id,
            before=before,
            after={**audit_view(request), "approvers": [a for _, a, _ in resolved]},
        )
    return await read_detail(request)
