"""JSON API under /api/v1/pool: the public pool (公海), its rules, claims and the sweep."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

import crm_core.customers.pool.permissions  # noqa: F401 - registers the pool resources
from crm_core.customers.models import CustomerLevel
from crm_core.customers.pool.schemas import (
    PoolAssignCreate,
    PoolClaimCreate,
    PoolDryRunCreate,
    PoolDryRunResult,
    PoolFilter,
    PoolPage,
    PoolReminderRead,
    PoolRestoreCreate,
    PoolResult,
    PoolRuleRead,
    PoolRuleUpdate,
    PoolSettingRead,
    PoolSettingUpdate,
    PoolSweepResult,
    PoolTrashCreate,
)
from crm_core.customers.pool.service import claims, rules, sweep
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import PageNumber, PageSize

router = APIRouter(prefix="/api/v1/pool", tags=["pool"])
Viewer = Annotated[Principal, Depends(require("customers.pool:view"))]
Claimer = Annotated[Principal, Depends(require("customers.pool:edit"))]
Assigner = Annotated[Principal, Depends(require("customers.pool:assign"))]
Trasher = Annotated[Principal, Depends(require("customers.pool:delete"))]
RuleViewer = Annotated[Principal, Depends(require("customers.pool_rule:view"))]
RuleEditor = Annotated[Principal, Depends(require("customers.pool_rule:edit"))]


@router.get("", response_model=PoolPage)
async def list_pool(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    level: CustomerLevel | None = None,
    trashed: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> PoolPage:
    """Phones are always masked here; trashed=true lists the recycle bin (回收站)."""
    f = PoolFilter(q=q, level=level, trashed=trashed)
    return await claims.list_pool(principal, f, page=page, page_size=page_size)


@router.post("/claims", response_model=PoolResult)
async def claim_customers(body: PoolClaimCreate, principal: Claimer) -> PoolResult:
    """409 pool_batch_too_large, pool_quota_exceeded, pool_customer_taken or pool_cooldown."""
    return await claims.claim(principal, body)


@router.post("/assignments", response_model=PoolResult)
async def assign_customers(body: PoolAssignCreate, principal: Assigner) -> PoolResult:
    return await claims.assign(principal, body)


@router.post("/trash", response_model=PoolResult)
async def trash_customers(body: PoolTrashCreate, principal: Trasher) -> PoolResult:
    return await claims.trash(principal, body)


@router.post("/restorations", response_model=PoolResult)
async def restore_customers(body: PoolRestoreCreate, principal: Trasher) -> PoolResult:
    return await claims.restore(principal, body)


@router.get("/reminders", response_model=list[PoolReminderRead])
async def list_reminders(principal: Viewer) -> list[PoolReminderRead]:
    """即将掉入公海: customers in the caller's scope that drop within a day."""
    return await sweep.list_reminders(principal)


@router.post("/sweeps", response_model=PoolSweepResult)
async def run_sweep(principal: Assigner) -> PoolSweepResult:
    """Run the recycle sweep now over the caller's scope (beat runs it daily for everyone)."""
    return await sweep.sweep(principal)


@router.get("/settings", response_model=PoolSettingRead)
async def read_setting(principal: Viewer) -> PoolSettingRead:
    return await rules.read_setting(principal)


@router.put("/settings", response_model=PoolSettingRead)
async def update_setting(body: PoolSettingUpdate, principal: RuleEditor) -> PoolSettingRead:
    return await rules.update_setting(principal, body)


@router.get("/rules", response_model=list[PoolRuleRead])
async def list_rules(principal: RuleViewer) -> list[PoolRuleRead]:
    return await rules.list_rules()


@router.post("/rules/dry-run", response_model=PoolDryRunResult)
async def dry_run_rule(body: PoolDryRunCreate, principal: RuleViewer) -> PoolDryRunResult:
    """Whose customers would drop under this rule, and when; writes nothing."""
    return await rules.dry_run(principal, body)


@router.put("/rules/{level}", response_model=PoolRuleRead)
async def update_rule(
    level: CustomerLevel, body: PoolRuleUpdate, principal: RuleEditor
) -> PoolRuleRead:
    return await rules.update_rule(principal, level, body)
