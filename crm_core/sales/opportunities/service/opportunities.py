"""Enter, read and edit opportunities; move them between stages, win or lose them. Every move
closes the current stage visit and opens the next under the opportunity's row lock."""

from datetime import datetime

from crm_core import audit, clock
from crm_core.customers.pool.service import sweep as pool_sweep
from crm_core.customers.service import customers as customers_service
from crm_core.db import unit_of_work
from crm_core.org.scope import staff_in_scope
from crm_core.org.service.auth import principal_for
from crm_core.permissions import Principal
from crm_core.sales.opportunities import repository, rules
from crm_core.sales.opportunities.errors import (
    OpportunityClosedError,
    OpportunityNotFoundError,
    OwnerNotEligibleError,
    OwnerNotFoundError,
    StageClosingError,
)
from crm_core.sales.opportunities.models import Opportunity, OpportunityStatus, Stage, StageVisit
from crm_core.sales.opportunities.schemas import (
    HistoryRead,
    LoseRequest,
    OpportunityCreate,
    OpportunityFields,
    OpportunityFilter,
    OpportunityPage,
    OpportunityRead,
    OpportunityUpdate,
    StageTime,
    VisitRead,
)
from crm_core.sales.opportunities.service import stages

OWNER_PERMISSION = "sales.opportunity:view"
_RELATED = ("customer", "stage", "lost_reason")


async def eligible_owner(
    principal: Principal, staff_id: int, permission: str = OWNER_PERMISSION
) -> tuple[int, int | None]:
    """(id, department) of a staff member in scope (else 404) who holds `permission`."""
    if staff_id == principal.staff_id:
        return principal.staff_id, principal.department_id
    staff = await staff_in_scope(principal).get_or_none(id=staff_id)
    if staff is None:
        raise OwnerNotFoundError(field="owner_id")
    owner = await principal_for(staff.id)
    if owner is None or not owner.can(permission):
        raise OwnerNotEligibleError(name=staff.name, field="owner_id")
    return staff.id, staff.department_id  # type: ignore[attr-defined]


def _read(row: Opportunity, names: dict[int, str]) -> OpportunityRead:
    return OpportunityRead(
        id=row.id,
        customer_id=row.customer_id,
        customer_name=row.customer.name,
        name=row.name,
        amount_fen=row.amount_fen,
        expected_close_date=row.expected_close_date,
        stage_id=row.stage_id,
        stage_name=row.stage.name,
        probability=row.stage.probability,
        status=row.status,
        owner_id=row.owner_id,
        owner_name=names.get(row.owner_id, ""),
        lead_id=row.lead_id,
        stage_entered_at=row.stage_entered_at,
        won_at=row.won_at,
        lost_at=row.lost_at,
        lost_reason_id=row.lost_reason_id,
        lost_reason=row.lost_reason.name if row.lost_reason else "",
        lost_note=row.lost_note,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def _read_many(rows: list[Opportunity]) -> list[OpportunityRead]:
    names = await repository.staff_names({r.owner_id for r in rows})
    return [_read(r, names) for r in rows]


async def _read_one(opportunity_id: int) -> OpportunityRead:
    row = await Opportunity.get(id=opportunity_id).select_related(*_RELATED)
    return (await _read_many([row]))[0]


def _audit_view(row: Opportunity) -> dict[str, object]:
    return {
        "customer_id": row.customer_id,
        "name": row.name,
        "amount_fen": row.amount_fen,
        "expected_close_date": row.expected_close_date.isoformat(),
        "stage_id": row.stage_id,
        "status": row.status.value,
        "owner_id": row.owner_id,
    }


async def list_opportunities(
    principal: Principal, f: OpportunityFilter, *, page: int, page_size: int
) -> OpportunityPage:
    query = repository.filtered(principal, f)
    total = await query.count()
    rows = (
        await query.select_related(*_RELATED)
        .order_by("-id")
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return OpportunityPage(
        items=await _read_many(list(rows)), total=total, page=page, page_size=page_size
    )


async def _in_scope(principal: Principal, opportunity_id: int) -> Opportunity:
    row = await repository.in_scope(principal).get_or_none(id=opportunity_id)
    if row is None:
        raise OpportunityNotFoundError()
    return row


async def get_opportunity(principal: Principal, opportunity_id: int) -> OpportunityRead:
    return await _read_one((await _in_scope(principal, opportunity_id)).id)


async def _open_stage(stage_id: int | None) -> Stage:
    if stage_id is None:
        await stages.ensure_defaults()
        first = await Stage.filter(is_won=False, is_lost=False).first()
        return first if first is not None else await stages.closing_stage(won=False)
    stage = await stages.get_stage(stage_id)
    if stage.is_won or stage.is_lost:
        raise StageClosingError(field="stage_id")
    return stage


async def open_opportunity(
    principal: Principal,
    customer_id: int,
    data: OpportunityFields,
    *,
    stage_id: int | None = None,
    owner_id: int | None = None,
    lead_id: int | None = None,
) -> Opportunity:
    """Inside the caller's transaction: the opportunity and its first stage visit (the lead's
    conversion opens one in the same transaction as the customer)."""
    owner, department = await eligible_owner(principal, owner_id or principal.staff_id)
    stage = await _open_stage(stage_id)
    now = clock.utc_now()
    row = await Opportunity.create(
        customer_id=customer_id,
        **data.model_dump(include={"name", "amount_fen", "expected_close_date"}),
        stage_id=stage.id,
        owner_id=owner,
        department_id=department,
        created_by_id=principal.staff_id,
        lead_id=lead_id,
        stage_entered_at=now,
        created_at=now,
        updated_at=now,
    )
    await StageVisit.create(
        opportunity_id=row.id, stage_id=stage.id, entered_at=now, by_staff_id=principal.staff_id
    )
    await audit.record(
        audit.actor_of(principal),
        "opportunity.created",
        target_type="opportunity",
        target_id=row.id,
        after=_audit_view(row),
    )
    return row


async def create_opportunity(principal: Principal, data: OpportunityCreate) -> OpportunityRead:
    # The customer must be one the caller may see (404 otherwise, like a missing one).
    customer = await customers_service.get_customer(principal, data.customer_id)
    async with unit_of_work():
        row = await open_opportunity(
            principal, customer.id, data, stage_id=data.stage_id, owner_id=data.owner_id
        )
    return await _read_one(row.id)


async def _locked_open(principal: Principal, opportunity_id: int) -> Opportunity:
    row = await repository.lock(principal, opportunity_id)
    if row is None:
        raise OpportunityNotFoundError()
    if row.status != OpportunityStatus.OPEN:
        outcome = "赢单" if row.status == OpportunityStatus.WON else "输单"
        raise OpportunityClosedError(outcome=outcome)
    return row


async def update_opportunity(
    principal: Principal, opportunity_id: int, data: OpportunityUpdate
) -> OpportunityRead:
    await _in_scope(principal, opportunity_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        return await _read_one(opportunity_id)
    async with unit_of_work():
        row = await _locked_open(principal, opportunity_id)
        before = _audit_view(row)
        row.update_from_dict({**changes, "updated_at": clock.utc_now()})
        await row.save()
        old, new = audit.changes(before, _audit_view(row))
        await audit.record(
            audit.actor_of(principal),
            "opportunity.updated",
            target_type="opportunity",
            target_id=row.id,
            before=old,
            after=new,
        )
    return await _read_one(row.id)


async def _enter(principal: Principal, row: Opportunity, stage: Stage, now: datetime) -> None:
    await StageVisit.filter(opportunity_id=row.id, left_at=None).update(left_at=now)
    await StageVisit.create(
        opportunity_id=row.id, stage_id=stage.id, entered_at=now, by_staff_id=principal.staff_id
    )
    row.stage_id = stage.id
    row.stage_entered_at = now
    row.updated_at = now


async def move_stage(principal: Principal, opportunity_id: int, stage_id: int) -> OpportunityRead:
    await _in_scope(principal, opportunity_id)
    stage = await _open_stage(stage_id)
    async with unit_of_work():
        row = await _locked_open(principal, opportunity_id)
        if row.stage_id != stage.id:
            before = row.stage_id
            await _enter(principal, row, stage, clock.utc_now())
            await row.save()
            await audit.record(
                audit.actor_of(principal),
                "opportunity.stage_moved",
                target_type="opportunity",
                target_id=row.id,
                before={"stage_id": before},
                after={"stage_id": stage.id},
            )
    return await _read_one(opportunity_id)


async def win_opportunity(principal: Principal, opportunity_id: int) -> OpportunityRead:
    await _in_scope(principal, opportunity_id)
    stage = await stages.closing_stage(won=True)
    now = clock.utc_now()
    async with unit_of_work():
        row = await _locked_open(principal, opportunity_id)
        before = row.stage_id
        await _enter(principal, row, stage, now)
        row.status, row.won_at = OpportunityStatus.WON, now
        await row.save()
        await pool_sweep.mark_deal(row.customer_id, now)  # the pool's "no deal" clock restarts
        await audit.record(
            audit.actor_of(principal),
            "opportunity.won",
            target_type="opportunity",
            target_id=row.id,
            before={"stage_id": before, "status": "open"},
            after={"stage_id": stage.id, "status": "won", "amount_fen": row.amount_fen},
        )
    return await _read_one(opportunity_id)


async def lose_opportunity(
    principal: Principal, opportunity_id: int, data: LoseRequest
) -> OpportunityRead:
    await _in_scope(principal, opportunity_id)
    reason = await stages.active_lost_reason(data.lost_reason_id)
    stage = await stages.closing_stage(won=False)
    now = clock.utc_now()
    async with unit_of_work():
        row = await _locked_open(principal, opportunity_id)
        before = row.stage_id
        await _enter(principal, row, stage, now)
        row.status, row.lost_at = OpportunityStatus.LOST, now
        row.lost_reason_id, row.lost_note = reason.id, data.note
        await row.save()
        await audit.record(
            audit.actor_of(principal),
            "opportunity.lost",
            target_type="opportunity",
            target_id=row.id,
            before={"stage_id": before, "status": "open"},
            after={"stage_id": stage.id, "status": "lost", "lost_reason": reason.name},
            reason=data.note,
        )
    return await _read_one(opportunity_id)


async def stage_history(principal: Principal, opportunity_id: int) -> HistoryRead:
    row = await _in_scope(principal, opportunity_id)
    visits = await StageVisit.filter(opportunity_id=row.id).select_related("stage")
    names = await repository.staff_names({v.by_staff_id for v in visits})
    now = clock.utc_now()
    spent = rules.stage_seconds(((v.stage_id, v.entered_at, v.left_at) for v in visits), now)
    order = {v.stage_id: (v.stage.position, v.stage.id, v.stage.name) for v in visits}
    return HistoryRead(
        visits=[
            VisitRead(
                stage_id=v.stage_id,
                stage_name=v.stage.name,
                entered_at=v.entered_at,
                left_at=v.left_at,
                seconds=rules.stage_seconds([(v.stage_id, v.entered_at, v.left_at)], now)[
                    v.stage_id
                ],
                by_staff_name=names.get(v.by_staff_id or 0, ""),
            )
            for v in visits
        ],
        totals=[
            StageTime(stage_id=sid, stage_name=order[sid][2], seconds=spent[sid])
            for sid in sorted(spent, key=lambda s: order[s][:2])
        ],
    )


async def won_at_by_customer(customer_ids: list[int]) -> dict[int, datetime]:
    """The latest win per customer (for the public pool's "no deal" clock)."""
    rows = await Opportunity.filter(
        customer_id__in=customer_ids, status=OpportunityStatus.WON
    ).values_list("customer_id", "won_at")
    latest: dict[int, datetime] = {}
    for customer_id, won_at in rows:
        if won_at is not None and (customer_id not in latest or won_at > latest[customer_id]):
            latest[customer_id] = won_at
    return latest
