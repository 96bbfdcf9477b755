"""Take customers out of the pool (a rep's claim, a manager's hand-out), trash and restore them.

Every change locks the customers' rows in id order and re-checks them under the lock, so fifty
reps claiming the same customers at once end with each customer claimed exactly once; a rep's own
claims are serialised by an advisory lock, so the daily quota holds under concurrency too.
"""

from datetime import datetime

from crm_core import audit, clock
from crm_core.customers import repository as customers
from crm_core.customers import rules as customer_rules
from crm_core.customers.models import Customer, TransferRecord
from crm_core.customers.pool import repository, rules
from crm_core.customers.pool.errors import (
    PoolBatchTooLargeError,
    PoolCooldownError,
    PoolCustomerNotFoundError,
    PoolCustomerTakenError,
    PoolQuotaExceededError,
)
from crm_core.customers.pool.schemas import (
    PoolAssignCreate,
    PoolClaimCreate,
    PoolCustomerRead,
    PoolFilter,
    PoolPage,
    PoolRestoreCreate,
    PoolResult,
    PoolTrashCreate,
)
from crm_core.customers.pool.service.rules import current_setting
from crm_core.customers.service._common import owner_label
from crm_core.customers.service.customers import eligible_owner
from crm_core.db import advisory_lock, unit_of_work
from crm_core.permissions import Principal

# pg_advisory_xact_lock keys: "POOL" in the high half, the staff id in the low half.
_CLAIM_LOCK = 0x504F4F4C << 32


def _read(customer: Customer, names: dict[int, str]) -> PoolCustomerRead:
    return PoolCustomerRead(
        id=customer.id,
        name=customer.name,
        # Nobody owns a pool customer, so nobody sees its number (docs/crm.md, masking).
        phone=customer_rules.mask_phone(customer.phone),
        level=customer.level,
        source=customer.source,
        industry=customer.industry,
        tags=list(customer.tags),
        previous_owner_id=customer.previous_owner_id,
        previous_owner_name=(
            owner_label(names, customer.previous_owner_id) if customer.previous_owner_id else ""
        ),
        pooled_at=customer.pooled_at,
        pool_reason=customer.pool_reason,
        last_followed_at=customer.last_followed_at,
        trashed_at=customer.trashed_at,
        created_at=customer.created_at,
    )


async def list_pool(principal: Principal, f: PoolFilter, *, page: int, page_size: int) -> PoolPage:
    query = repository.filtered(principal, f)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    names = await customers.staff_names({c.previous_owner_id for c in rows})
    return PoolPage(
        items=[_read(c, names) for c in rows], total=total, page=page, page_size=page_size
    )


async def _locked_pool_rows(ids: list[int], *, trashed: bool) -> list[Customer]:
    """The customers, row-locked in id order, each still in the pool (else 404/409)."""
    rows = await Customer.filter(id__in=ids).select_for_update().order_by("id")
    found = {c.id: c for c in rows}
    for customer_id in ids:
        customer = found.get(customer_id)
        if customer is None:
            raise PoolCustomerNotFoundError(field="customer_ids")
        if customer.owner_id is not None:
            raise PoolCustomerTakenError(customer_id=customer_id, field="customer_ids")
        if (customer.trashed_at is not None) != trashed:
            raise PoolCustomerNotFoundError(field="customer_ids")
    return rows


async def _take(
    principal: Principal,
    rows: list[Customer],
    owner_id: int,
    department_id: int | None,
    now: datetime,
    action: str,
) -> PoolResult:
    ids = [c.id for c in rows]
    await Customer.filter(id__in=ids).update(
        owner_id=owner_id,
        department_id=department_id,
        owned_at=now,
        pooled_at=None,
        pool_reason="",
        updated_at=now,
    )
    await TransferRecord.bulk_create(
        [
            TransferRecord(
                customer_id=cid,
                from_staff_id=None,
                to_staff_id=owner_id,
                by_staff_id=principal.staff_id,
                reason="从公海领取" if action == "customer.pool_claimed" else "公海分配",
                at=now,
            )
            for cid in ids
        ]
    )
    await audit.record(
        audit.actor_of(principal),
        action,
        target_type="customer",
        target_id=ids[0] if len(ids) == 1 else "",
        after={"customer_ids": ids, "to_staff_id": owner_id},
    )
    return PoolResult(changed=len(ids), customer_ids=ids)


async def claim(principal: Principal, data: PoolClaimCreate) -> PoolResult:
    wanted = sorted(set(data.customer_ids))
    now = clock.utc_now()
    setting = await current_setting()
    if len(wanted) > setting.claim_batch_max:
        raise PoolBatchTooLargeError(limit=setting.claim_batch_max, field="customer_ids")
    async with unit_of_work():
        await advisory_lock(_CLAIM_LOCK | principal.staff_id)
        taken = await repository.claimed_since(principal.staff_id, rules.day_start(now))
        left = max(0, setting.claim_daily_quota - taken)
        if len(wanted) > left:
            raise PoolQuotaExceededError(
                quota=setting.claim_daily_quota, left=left, field="customer_ids"
            )
        rows = await _locked_pool_rows(wanted, trashed=False)
        for customer in rows:
            until = rules.cooldown_until(
                principal.staff_id,
                customer.previous_owner_id,
                customer.pooled_at,
                setting.cooldown_days,
            )
            if until is not None and until > now:
                raise PoolCooldownError(
                    name=customer.name,
                    days=setting.cooldown_days,
                    until=clock.to_local(until).strftime("%Y-%m-%d %H:%M"),
                    field="customer_ids",
                )
        return await _take(
            principal,
            rows,
            principal.staff_id,
            principal.department_id,
            now,
            "customer.pool_claimed",
        )


async def assign(principal: Principal, data: PoolAssignCreate) -> PoolResult:
    """A manager hands pool customers to a rep in their scope: no quota, no cool-down."""
    target = await eligible_owner(principal, data.to_staff_id, field="to_staff_id")
    now = clock.utc_now()
    async with unit_of_work():
        rows = await _locked_pool_rows(sorted(set(data.customer_ids)), trashed=False)
        return await _take(
            principal,
            rows,
            target.id,
            target.department_id,  # type: ignore[attr-defined]
            now,
            "customer.pool_assigned",
        )


async def trash(principal: Principal, data: PoolTrashCreate) -> PoolResult:
    """废弃: out of the pool's list into its recycle bin (回收站); nobody can claim it there."""
    now = clock.utc_now()
    async with unit_of_work():
        rows = await _locked_pool_rows(sorted(set(data.customer_ids)), trashed=False)
        ids = [c.id for c in rows]
        await Customer.filter(id__in=ids).update(
            trashed_at=now, trashed_by_id=principal.staff_id, updated_at=now
        )
        await audit.record(
            audit.actor_of(principal),
            "customer.pool_trashed",
            target_type="customer",
            target_id=ids[0] if len(ids) == 1 else "",
            after={"customer_ids": ids},
            reason=data.reason,
        )
    return PoolResult(changed=len(ids), customer_ids=ids)


async def restore(principal: Principal, data: PoolRestoreCreate) -> PoolResult:
    now = clock.utc_now()
    async with unit_of_work():
        rows = await _locked_pool_rows(sorted(set(data.customer_ids)), trashed=True)
        ids = [c.id for c in rows]
        await Customer.filter(id__in=ids).update(
            trashed_at=None, trashed_by_id=None, updated_at=now
        )
        await audit.record(
            audit.actor_of(principal),
            "customer.pool_restored",
            target_type="customer",
            target_id=ids[0] if len(ids) == 1 else "",
            after={"customer_ids": ids},
        )
    return PoolResult(changed=len(ids), customer_ids=ids)
