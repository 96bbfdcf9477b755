"""The stage configuration and the list of lost reasons: seeded with the defaults on first
use, edited by admins. A stage an opportunity has ever been in cannot be deleted."""

from tortoise.exceptions import IntegrityError

from crm_core import audit
from crm_core.db import advisory_lock, unit_of_work
from crm_core.permissions import Principal
from crm_core.sales.opportunities import rules
from crm_core.sales.opportunities.errors import (
    LostReasonNameTakenError,
    LostReasonNotFoundError,
    StageInUseError,
    StageMissingError,
    StageNameTakenError,
    StageNotFoundError,
)
from crm_core.sales.opportunities.models import LostReason, Stage, StageVisit
from crm_core.sales.opportunities.schemas import (
    LostReasonCreate,
    LostReasonRead,
    LostReasonUpdate,
    StageCreate,
    StageRead,
    StageUpdate,
)

_SEED_LOCK = 7_301_061


async def ensure_defaults() -> None:
    """The seed's stages and common lost reasons, once: when no stage exists yet."""
    if await Stage.exists():
        return
    async with unit_of_work():
        # Two first requests at once: the second waits here and then finds the rows.
        await advisory_lock(_SEED_LOCK)
        if await Stage.exists():
            return
        for position, (name, probability, won, lost) in enumerate(rules.DEFAULT_STAGES, 1):
            await Stage.create(
                name=name, position=position, probability=probability, is_won=won, is_lost=lost
            )
        if not await LostReason.exists():
            for position, name in enumerate(rules.DEFAULT_LOST_REASONS, 1):
                await LostReason.create(name=name, position=position)


async def list_stages() -> list[StageRead]:
    await ensure_defaults()
    return [StageRead.model_validate(s) for s in await Stage.all()]


async def get_stage(stage_id: int) -> Stage:
    await ensure_defaults()
    stage = await Stage.get_or_none(id=stage_id)
    if stage is None:
        raise StageNotFoundError()
    return stage


async def closing_stage(*, won: bool) -> Stage:
    await ensure_defaults()
    stage = await Stage.filter(**{"is_won" if won else "is_lost": True}).first()
    if stage is None:
        raise StageMissingError(kind="赢单" if won else "输单")
    return stage


async def create_stage(principal: Principal, data: StageCreate) -> StageRead:
    await ensure_defaults()
    if await Stage.exists(name=data.name):
        raise StageNameTakenError(name=data.name, field="name")
    try:
        async with unit_of_work():
            stage = await Stage.create(**data.model_dump())
            await audit.record(
                audit.actor_of(principal),
                "opportunity_stage.created",
                target_type="opportunity_stage",
                target_id=stage.id,
                after=data.model_dump(),
            )
    except IntegrityError:
        raise StageNameTakenError(name=data.name, field="name") from None
    return StageRead.model_validate(stage)


async def update_stage(principal: Principal, stage_id: int, data: StageUpdate) -> StageRead:
    stage = await get_stage(stage_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    name = changes.get("name")
    if name and await Stage.filter(name=name).exclude(id=stage.id).exists():
        raise StageNameTakenError(name=name, field="name")
    before = StageRead.model_validate(stage).model_dump()
    try:
        async with unit_of_work():
            stage.update_from_dict(changes)
            await stage.save()
            old, new = audit.changes(before, StageRead.model_validate(stage).model_dump())
            await audit.record(
                audit.actor_of(principal),
                "opportunity_stage.updated",
                target_type="opportunity_stage",
                target_id=stage.id,
                before=old,
                after=new,
            )
    except IntegrityError:
        raise StageNameTakenError(name=name, field="name") from None
    return StageRead.model_validate(stage)


async def delete_stage(principal: Principal, stage_id: int) -> None:
    stage = await get_stage(stage_id)
    used = await StageVisit.filter(stage_id=stage.id).values_list("opportunity_id", flat=True)
    if used:
        raise StageInUseError(count=len(set(used)), name=stage.name)
    try:
        async with unit_of_work():
            await Stage.filter(id=stage.id).delete()
            await audit.record(
                audit.actor_of(principal),
                "opportunity_stage.deleted",
                target_type="opportunity_stage",
                target_id=stage.id,
                before=StageRead.model_validate(stage).model_dump(),
            )
    except IntegrityError:
        # An opportunity entered the stage meanwhile: the foreign key refused the delete.
        raise StageInUseError(count=1, name=stage.name) from None


async def list_lost_reasons(*, active_only: bool) -> list[LostReasonRead]:
    await ensure_defaults()
    query = LostReason.filter(is_active=True) if active_only else LostReason.all()
    return [LostReasonRead.model_validate(r) for r in await query]


async def active_lost_reason(reason_id: int) -> LostReason:
    reason = await LostReason.get_or_none(id=reason_id, is_active=True)
    if reason is None:
        raise LostReasonNotFoundError(field="lost_reason_id")
    return reason


async def create_lost_reason(principal: Principal, data: LostReasonCreate) -> LostReasonRead:
    await ensure_defaults()
    if await LostReason.exists(name=data.name):
        raise LostReasonNameTakenError(name=data.name, field="name")
    position = await LostReason.all().count() + 1
    try:
        async with unit_of_work():
            reason = await LostReason.create(name=data.name, position=position)
            await audit.record(
                audit.actor_of(principal),
                "lost_reason.created",
                target_type="lost_reason",
                target_id=reason.id,
                after={"name": reason.name},
            )
    except IntegrityError:
        raise LostReasonNameTakenError(name=data.name, field="name") from None
    return LostReasonRead.model_validate(reason)


async def update_lost_reason(
    principal: Principal, reason_id: int, data: LostReasonUpdate
) -> LostReasonRead:
    reason = await LostReason.get_or_none(id=reason_id)
    if reason is None:
        raise LostReasonNotFoundError()
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    name = changes.get("name")
    if name and await LostReason.filter(name=name).exclude(id=reason.id).exists():
        raise LostReasonNameTakenError(name=name, field="name")
    before = LostReasonRead.model_validate(reason).model_dump()
    try:
        async with unit_of_work():
            reason.update_from_dict(changes)
            await reason.save()
            old, new = audit.changes(before, LostReasonRead.model_validate(reason).model_dump())
            await audit.record(
                audit.actor_of(principal),
                "lost_reason.updated",
                target_type="lost_reason",
                target_id=reason.id,
                before=old,
                after=new,
            )
    except IntegrityError:
        raise LostReasonNameTakenError(name=name, field="name") from None
    return LostReasonRead.model_validate(reason)
