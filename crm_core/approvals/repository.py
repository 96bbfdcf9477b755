"""Named queries of approvals: the data scope, the inbox boxes, approver lookup, locks."""

from datetime import datetime

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from crm_core.approvals.models import (
    ActionKind,
    ApprovalAction,
    ApprovalFlow,
    ApprovalReminder,
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from crm_core.org.models import DataScope, Department, Staff
from crm_core.org.scope import visible_staff
from crm_core.permissions import Principal

DECIDED = (ActionKind.APPROVE, ActionKind.REJECT, ActionKind.RETURN, ActionKind.DELEGATE)


def involving(staff_id: int) -> Q:
    steps = ApprovalStep.filter(Q(approver_id=staff_id) | Q(assigned_id=staff_id))
    return Q(requester_id=staff_id) | Q(id__in=Subquery(steps.values("request_id")))


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of approvals: requests one raised or is (or was) an approver of,
    plus those raised by staff in the caller's scope."""
    if principal.department_ids is None:
        return Q()
    mine = involving(principal.staff_id)
    if principal.data_scope == DataScope.OWN:
        return mine
    people = visible_staff(principal)
    return mine if people is None else mine | Q(requester_id__in=people)


def in_scope(principal: Principal) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.filter(scope_filter(principal))


def box(principal: Principal, name: str) -> QuerySet[ApprovalRequest]:
    me = principal.staff_id
    query = in_scope(principal)
    if name == "todo":
        waiting = ApprovalStep.filter(approver_id=me, status=StepStatus.PENDING)
        return query.filter(
            status=RequestStatus.PENDING, id__in=Subquery(waiting.values("request_id"))
        )
    if name == "mine":
        return query.filter(requester_id=me)
    if name == "done":
        acted = ApprovalAction.filter(actor_id=me, action__in=DECIDED)
        return query.filter(id__in=Subquery(acted.values("request_id")))
    return query


async def approver_by_role(department_id: int | None, role: str, *, exclude: int) -> Staff | None:
    """The first active holder of `role` in the department, else in each parent up the tree;
    never the requester themself (a manager's own request goes to the next one up)."""
    seen: set[int] = set()
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        holder = (
            await Staff.filter(department_id=department_id, is_active=True, roles__code=role)
            .exclude(id=exclude)
            .order_by("id")
            .first()
        )
        if holder is not None:
            return holder
        department = await Department.get_or_none(id=department_id)
        department_id = department.parent_id if department else None  # type: ignore[attr-defined]
    return None


async def is_locked(kind: str, record_id: int) -> bool:
    return await ApprovalRequest.exists(kind=kind, record_id=record_id, locks_record=True)


async def open_request(kind: str, record_id: int) -> ApprovalRequest | None:
    return await ApprovalRequest.filter(
        kind=kind, record_id=record_id, status__in=[RequestStatus.PENDING, RequestStatus.RETURNED]
    ).first()


async def current_steps(request_ids: list[int]) -> dict[int, ApprovalStep]:
    steps = await ApprovalStep.filter(request_id__in=request_ids, status=StepStatus.PENDING)
    return {s.request_id: s for s in steps}


async def reminder_counts(request_ids: list[int]) -> dict[int, int]:
    rows = (
        await ApprovalReminder.filter(request_id__in=request_ids)
        .group_by("request_id")
        .annotate(n=Count("id"))
        .values_list("request_id", "n")
    )
    return {int(r): int(n) for r, n in rows}


async def flows_by_kind() -> dict[str, ApprovalFlow]:
    return {f.kind: f for f in await ApprovalFlow.all()}


def overdue(kind: str, started_before: datetime) -> QuerySet[ApprovalRequest]:
    """Pending requests of a kind whose step started, and was last reminded, before the cut."""
    return ApprovalRequest.filter(
        Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=started_before),
        kind=kind,
        status=RequestStatus.PENDING,
        step_started_at__lte=started_before,
    )


async def staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(await Staff.filter(id__in=wanted).values_list("id", "name"))


async def locked_among(kind: str, record_ids: list[int] | None) -> set[int]:
    """The records of a kind the engine holds (all of them when record_ids is None)."""
    query = ApprovalRequest.filter(kind=kind, locks_record=True)
    if record_ids is not None:
        query = query.filter(record_id__in=record_ids)
    return set(await query.values_list("record_id", flat=True))  # type: ignore[arg-type]
