"""Approval flows per record kind: ordered steps with amount conditions. A kind nobody has set
up yet runs the seed's default (manager; from 10,000 元 manager then director)."""

from typing import Any

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.approvals import repository, rules
from crm_core.approvals.errors import FlowConflictError, FlowInvalidError, KindNotFoundError
from crm_core.approvals.models import ApprovalFlow
from crm_core.approvals.registry import KINDS, ApprovableKind, get_kind
from crm_core.approvals.schemas import FlowRead, FlowStep, FlowUpdate, KindRead
from crm_core.db import unit_of_work
from crm_core.org.models import Role, Staff
from crm_core.permissions import Principal


def kind_or_404(code: str) -> ApprovableKind:
    kind = get_kind(code)
    if kind is None:
        raise KindNotFoundError()
    return kind


def list_kinds() -> list[KindRead]:
    return [KindRead(code=k.code, label=k.label, detail_url=k.detail_url) for k in KINDS.values()]


def _read(kind: ApprovableKind, flow: ApprovalFlow | None) -> FlowRead:
    return FlowRead(
        kind=kind.code,
        label=kind.label,
        steps=[FlowStep(**s) for s in (flow.steps if flow else _defaults(kind.code))],
        remind_after_hours=flow.remind_after_hours if flow else rules.DEFAULT_REMIND_AFTER_HOURS,
        saved=flow is not None,
        updated_at=flow.updated_at if flow else None,
    )


async def list_flows() -> list[FlowRead]:
    saved = await repository.flows_by_kind()
    return [_read(kind, saved.get(code)) for code, kind in KINDS.items()]


def _defaults(code: str) -> list[dict[str, Any]]:
    kind = get_kind(code)
    return (
        [dict(s) for s in kind.default_steps]
        if kind and kind.default_steps
        else rules.default_steps()
    )


async def steps_for(kind: str) -> tuple[list[dict[str, Any]], int]:
    flow = await ApprovalFlow.get_or_none(kind=kind)
    if flow is None:
        return _defaults(kind), rules.DEFAULT_REMIND_AFTER_HOURS
    return list(flow.steps), flow.remind_after_hours


async def _check(data: FlowUpdate) -> None:
    roles: set[str] = {str(code) for code in await Role.all().values_list("code", flat=True)}
    for index, step in enumerate(data.steps):
        if step.approver_type == "role" and step.role not in roles:
            problem, name = f"第 {index + 1} 步的审批角色不存在", "role"
        elif step.approver_type == "staff" and not await Staff.exists(
            id=step.staff_id, is_active=True
        ):
            problem, name = f"第 {index + 1} 步的审批人不存在或已停用", "staff_id"
        else:
            continue
        raise FlowInvalidError(problem=problem, problems=[(("steps", str(index), name), problem)])


async def save_flow(principal: Principal, code: str, data: FlowUpdate) -> FlowRead:
    kind = kind_or_404(code)
    await _check(data)
    steps = [
        {**s.model_dump(), "role": s.role if s.approver_type == "role" else None}
        | ({"staff_id": None} if s.approver_type == "role" else {})
        for s in data.steps
    ]
    try:
        async with unit_of_work():
            flow = await ApprovalFlow.select_for_update().get_or_none(kind=code)
            before = (
                {"steps": flow.steps, "remind_after_hours": flow.remind_after_hours} if flow else {}
            )
            values: dict[str, Any] = {
                "steps": steps,
                "remind_after_hours": data.remind_after_hours,
                "updated_by_id": principal.staff_id,
                "updated_at": clock.utc_now(),
            }
            if flow is None:
                flow = await ApprovalFlow.create(kind=code, **values)
            else:
                await flow.update_from_dict(values).save()
            await audit.record(
                audit.actor_of(principal),
                "approval_flow.saved",
                target_type="approval_flow",
                target_id=code,
                before=before or None,
                after={"steps": steps, "remind_after_hours": data.remind_after_hours},
            )
    except IntegrityError:
        # Saved for the first time by two editors at once: the other one won.
        raise FlowConflictError() from None
    return _read(kind, flow)
