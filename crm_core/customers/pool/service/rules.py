"""The brand-wide pool rules (one per level), claim limits, and a rule's dry run."""

from datetime import timedelta

from crm_core import audit, clock
from crm_core.customers import repository as customers
from crm_core.customers.models import CustomerLevel
from crm_core.customers.pool import repository
from crm_core.customers.pool.models import PoolRule, PoolSetting
from crm_core.customers.pool.rules import day_start
from crm_core.customers.pool.schemas import (
    PoolDropRead,
    PoolDryRunCreate,
    PoolDryRunResult,
    PoolOwnerDrops,
    PoolRuleRead,
    PoolRuleUpdate,
    PoolSettingRead,
    PoolSettingUpdate,
)
from crm_core.customers.service._common import owner_label
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


def _rule(rule: PoolRule | None, level: CustomerLevel) -> PoolRuleRead:
    if rule is None:
        return PoolRuleRead(
            level=level, enabled=False, no_follow_up_days=None, no_deal_days=None, updated_at=None
        )
    return PoolRuleRead(
        level=rule.level,
        enabled=rule.enabled,
        no_follow_up_days=rule.no_follow_up_days,
        no_deal_days=rule.no_deal_days,
        updated_at=rule.updated_at,
    )


async def list_rules() -> list[PoolRuleRead]:
    rules = {r.level: r for r in await PoolRule.all()}
    return [_rule(rules.get(level), level) for level in CustomerLevel]


async def update_rule(
    principal: Principal, level: CustomerLevel, data: PoolRuleUpdate
) -> PoolRuleRead:
    now = clock.utc_now()
    async with unit_of_work():
        # The row exists before it is locked: two first saves of a level cannot both insert.
        await repository.ensure_rule(level.value, now)
        rule = await PoolRule.select_for_update().get(level=level)
        before = _rule(rule, level).model_dump(exclude={"updated_at"})
        values = {**data.model_dump(), "updated_by_id": principal.staff_id, "updated_at": now}
        await rule.update_from_dict(values).save()
        old, new = audit.changes(before, _rule(rule, level).model_dump(exclude={"updated_at"}))
        await audit.record(
            audit.actor_of(principal),
            "customer.pool_rule_updated",
            target_type="pool_rule",
            target_id=level.value,
            before=old,
            after=new,
        )
    return _rule(rule, level)


async def current_setting() -> PoolSetting:
    setting = await PoolSetting.get_or_none(id=1)
    return setting or PoolSetting(id=1, updated_at=clock.utc_now())


async def read_setting(principal: Principal) -> PoolSettingRead:
    setting = await current_setting()
    today = await repository.claimed_since(principal.staff_id, day_start(clock.utc_now()))
    return PoolSettingRead(
        claim_batch_max=setting.claim_batch_max,
        claim_daily_quota=setting.claim_daily_quota,
        cooldown_days=setting.cooldown_days,
        claimed_today=today,
    )


async def update_setting(principal: Principal, data: PoolSettingUpdate) -> PoolSettingRead:
    async with unit_of_work():
        await repository.ensure_setting(clock.utc_now())
        setting = await PoolSetting.select_for_update().get(id=1)
        before = {k: getattr(setting, k) for k in data.model_dump()}
        setting.update_from_dict({**data.model_dump(), "updated_at": clock.utc_now()})
        await setting.save()
        old, new = audit.changes(before, data.model_dump())
        await audit.record(
            audit.actor_of(principal),
            "customer.pool_setting_updated",
            target_type="pool_setting",
            target_id=1,
            before=old,
            after=new,
        )
    return await read_setting(principal)


async def dry_run(principal: Principal, data: PoolDryRunCreate) -> PoolDryRunResult:
    """Whose customers in the caller's scope would drop under the proposed rule, and when, from
    now to the horizon. Writes nothing."""
    now = clock.utc_now()
    rows, owners = await repository.dry_run(
        now,
        await repository.owners_in_scope(principal),
        (data.no_follow_up_days, data.no_deal_days),
        data.level.value,
        now + timedelta(days=data.horizon_days),
    )
    names = await customers.staff_names({r["owner_id"] for r in owners})
    return PoolDryRunResult(
        level=data.level,
        total=sum(o["n"] for o in owners),
        due_now=sum(o["due"] for o in owners),
        items=[
            PoolDropRead(
                customer_id=r["id"],
                customer_name=r["name"],
                owner_id=r["owner_id"],
                owner_name=owner_label(names, r["owner_id"]),
                drop_at=r["drop_at"],
                reason=r["reason"],
            )
            for r in rows
        ],
        by_owner=[
            PoolOwnerDrops(
                owner_id=o["owner_id"],
                owner_name=owner_label(names, o["owner_id"]),
                count=o["n"],
            )
            for o in owners
        ],
    )
