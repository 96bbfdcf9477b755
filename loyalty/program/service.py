"""Programme configuration, tiers (upgrade at once, downgrade at re-evaluation), lifecycle."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock, jobs
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from crm_core.sales import service as sales_service
from loyalty import events
from loyalty.errors import DuplicateTierError, TierNotFoundError
from loyalty.points import repository as points_repository
from loyalty.points.models import Account
from loyalty.program import rules
from loyalty.program.models import Program, Tier, TierBasis
from loyalty.program.schemas import ProgramRead, ProgramUpdate, TierCreate, TierRead, TierUpdate


async def program() -> Program:
    found, _ = await Program.get_or_create(id=1)
    return found


async def get_program() -> ProgramRead:
    return ProgramRead.model_validate(await program())


async def update_program(principal: Principal, data: ProgramUpdate) -> ProgramRead:
    async with unit_of_work():
        current = await program()
        before = ProgramRead.model_validate(current).model_dump(mode="json")
        await Program.filter(id=1).update(**data.model_dump(), updated_at=clock.utc_now())
        old, new = audit.changes(before, data.model_dump(mode="json"))
        await audit.record(
            actor_of(principal),
            "loyalty.program_update",
            target_type="loyalty_program",
            target_id=1,
            before=old,
            after=new,
        )
    return await get_program()


async def list_tiers() -> list[TierRead]:
    return [TierRead.model_validate(t) for t in await Tier.all().order_by("rank")]


async def create_tier(principal: Principal, data: TierCreate) -> TierRead:
    try:
        async with unit_of_work():
            tier = await Tier.create(**data.model_dump())
            await audit.record(
                actor_of(principal),
                "loyalty.tier_create",
                target_type="tier",
                target_id=tier.id,
                after=data.model_dump(mode="json"),
            )
    except IntegrityError as error:
        raise DuplicateTierError() from error
    return TierRead.model_validate(tier)


async def update_tier(principal: Principal, tier_id: int, data: TierUpdate) -> TierRead:
    async with unit_of_work():
        tier = await Tier.select_for_update().get_or_none(id=tier_id)
        if tier is None:
            raise TierNotFoundError()
        before = TierRead.model_validate(tier).model_dump()
        tier.update_from_dict(data.model_dump(exclude_unset=True))
        await tier.save()
        old, new = audit.changes(before, TierRead.model_validate(tier).model_dump())
        await audit.record(
            actor_of(principal),
            "loyalty.tier_update",
            target_type="tier",
            target_id=tier_id,
            before=old,
            after=new,
        )
    return TierRead.model_validate(tier)


async def _tier_rules() -> list[rules.TierRule]:
    return [rules.TierRule(t.id, t.rank, t.threshold) for t in await Tier.all()]


async def tier_metric(account: Account, config: Program, now: datetime) -> int:
    since = now - timedelta(days=config.tier_window_days)
    if config.tier_basis == TierBasis.SPEND:
        return await sales_service.spend_since(account.member_id, since)
    return await points_repository.earned_since(account.id, since)


async def _move(account: Account, tier_id: int | None, reason: str) -> None:
    previous = account.tier_id
    await Account.filter(id=account.id).update(tier_id=tier_id, tier_since=clock.utc_now())
    account.tier_id = tier_id
    jobs.enqueue(
        events.TIER_CHANGED,
        member_id=account.member_id,
        from_tier_id=previous,
        to_tier_id=tier_id,
        reason=reason,
    )


async def upgrade_if_due(account: Account) -> bool:
    """Called under the account lock after earning: upgrades at once, never downgrades."""
    config, tiers = await program(), await _tier_rules()
    by_id = {t.id: t for t in tiers}
    target = rules.tier_for(tiers, await tier_metric(account, config, clock.utc_now()))
    if target is None or not rules.is_upgrade(by_id.get(account.tier_id or 0), target):
        return False
    await _move(account, target.id, "upgrade")
    return True


async def reevaluate_tier(member_id: int) -> int | None:
    """The periodic re-evaluation: the tier the rolling window earns, up or down."""
    async with unit_of_work():
        account = await points_repository.lock_account(member_id)
        config, tiers = await program(), await _tier_rules()
        target = rules.tier_for(tiers, await tier_metric(account, config, clock.utc_now()))
        target_id = target.id if target else None
        if target_id != account.tier_id:
            await _move(account, target_id, "reevaluation")
    return target_id


async def reevaluate_tiers() -> int:
    changed = 0
    for member_id, tier_id in (
        await Account.all().order_by("id").values_list("member_id", "tier_id")
    ):
        if await reevaluate_tier(int(member_id)) != tier_id:
            changed += 1
    return changed


async def refresh_lifecycles(now: datetime | None = None) -> int:
    now = now or clock.utc_now()
    config = await program()
    thresholds = rules.LifecycleThresholds(
        config.new_days, config.dormant_days, config.churned_days
    )
    changed = 0
    async for account in Account.all().order_by("id"):
        stage = rules.lifecycle_stage(
            joined_at=account.created_at,
            last_purchase_at=account.last_purchase_at,
            now=now,
            thresholds=thresholds,
        )
        if stage != account.lifecycle:
            await Account.filter(id=account.id).update(lifecycle=stage)
            changed += 1
    return changed


@dataclass(frozen=True)
class Standing:
    """Where a member stands (member center): the tier, the next one and the way there."""

    tier: TierRead | None
    next_tier: TierRead | None
    metric: int
    to_next: int
    progress_percent: int
    basis: TierBasis
    window_days: int


async def standing(member_id: int) -> Standing:
    config, tiers = await program(), await list_tiers()
    account = await Account.get_or_none(member_id=member_id)
    metric = await tier_metric(account, config, clock.utc_now()) if account else 0
    current = next((t for t in tiers if account and t.id == account.tier_id), None)
    above = [t for t in tiers if current is None or t.rank > current.rank]
    target = next((t for t in above if t.threshold > metric), None)
    return Standing(
        tier=current,
        next_tier=target,
        metric=metric,
        to_next=max(0, target.threshold - metric) if target else 0,
        progress_percent=rules.progress_percent(
            metric, current.threshold if current else 0, target.threshold
        )
        if target
        else 100,
        basis=config.tier_basis,
        window_days=config.tier_window_days,
    )
