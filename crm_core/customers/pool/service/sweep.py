"""The recycle sweep (daily by beat, or now by a manager), owner reminders, the deal clock.

The sweep is two set-based statements in one transaction: drop every customer past its drop date
(with a transfer-history row each, the pool side NULL), then remind the owners of those dropping
within a day. Running it again finds nothing more to do: dropped customers have no owner, and a
reminder is unique per customer, owner and drop date.
"""

from datetime import datetime

from crm_core import audit, clock
from crm_core.customers import repository as customers
from crm_core.customers.models import Customer
from crm_core.customers.pool import repository, rules
from crm_core.customers.pool.models import PoolReminder, PoolRule
from crm_core.customers.pool.schemas import PoolReminderRead, PoolSweepResult
from crm_core.customers.service._common import owner_label
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


async def sweep(principal: Principal | None = None) -> PoolSweepResult:
    """Beat runs it for everyone (principal None); a manager's "run now" covers their scope."""
    now = clock.utc_now()
    owners = None if principal is None else await repository.owners_in_scope(principal)
    actor = audit.SYSTEM if principal is None else audit.actor_of(principal)
    async with unit_of_work():
        moved = await repository.sweep(
            now, owners, None if principal is None else principal.staff_id
        )
        reminded = await repository.remind(now, owners)
        await audit.record(
            actor,
            "customer.pool_swept",
            target_type="customer",
            after={
                "recycled": len(moved),
                "reminded": len(reminded),
                "customer_ids": [r["id"] for r in moved][:500],
                "owners": sorted({r["from_id"] for r in moved})[:100],
            },
        )
    return PoolSweepResult(recycled=len(moved), reminded=len(reminded))


async def mark_deal(customer_id: int, at: datetime) -> None:
    """Opportunities and contracts call this when a deal is won: it restarts the "no deal"
    clock (never moves it back)."""
    await repository.mark_deal(customer_id, at)


async def list_reminders(principal: Principal) -> list[PoolReminderRead]:
    """The caller's scope's customers about to drop (即将掉入公海): reminders still pending,
    whose customer is still with that owner and has not been followed up since."""
    now = clock.utc_now()
    owners = await repository.owners_in_scope(principal)
    query = PoolReminder.filter(drop_at__gt=now)
    if owners is not None:
        query = query.filter(owner_id__in=owners)
    reminders = await query.limit(500)
    found = {c.id: c for c in await Customer.filter(id__in={r.customer_id for r in reminders})}
    terms = {
        r.level: rules.Terms(r.no_follow_up_days, r.no_deal_days)
        for r in await PoolRule.filter(enabled=True)
    }
    live = []
    for reminder in reminders:
        customer = found[reminder.customer_id]
        if customer.owner_id != reminder.owner_id or customer.level not in terms:
            continue
        clocks = rules.Clocks(
            customer.created_at, customer.owned_at, customer.last_followed_at, customer.last_deal_at
        )
        drop = rules.drop_date(terms[customer.level], clocks)
        if drop is not None and drop[0] == reminder.drop_at:
            live.append((reminder, customer))
    names = await customers.staff_names({r.owner_id for r, _ in live})
    return [
        PoolReminderRead(
            customer_id=c.id,
            customer_name=c.name,
            owner_id=r.owner_id,
            owner_name=owner_label(names, r.owner_id),
            drop_at=r.drop_at,
            reason=r.reason,
        )
        for r, c in live
    ]
