"""Hand customers to another rep (leave, department change), one or up to 500 at once; every
change of hands is kept as a TransferRecord and audited."""

from crm_core import audit, clock
from crm_core.customers import repository, rules
from crm_core.customers.errors import CustomerInPoolError, CustomerNotFoundError
from crm_core.customers.models import Customer, TransferRecord
from crm_core.customers.schemas import TransferCreate, TransferRead, TransferResult
from crm_core.customers.service._common import customer_in_scope, owner_label
from crm_core.customers.service.customers import eligible_owner
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


async def transfer_customers(principal: Principal, data: TransferCreate) -> TransferResult:
    target = await eligible_owner(principal, data.to_staff_id, field="to_staff_id")
    wanted = sorted(set(data.customer_ids))
    now = clock.utc_now()
    async with unit_of_work():
        # Rows locked in id order: two batches over the same customers cannot deadlock.
        rows = (
            await repository.in_scope(principal)
            .filter(id__in=wanted)
            .select_for_update()
            .order_by("id")
        )
        if len(rows) != len(wanted):
            raise CustomerNotFoundError()
        owners = {c.id: c.owner_id for c in rows}
        if None in owners.values():
            # Pool customers leave the pool by claim or hand-out (crm_core/customers/pool).
            raise CustomerInPoolError(field="customer_ids")
        moving = rules.transfer_targets(owners, target.id)
        if moving:
            await Customer.filter(id__in=moving).update(
                owner_id=target.id,
                department_id=target.department_id,  # type: ignore[attr-defined]
                updated_at=now,
            )
            await TransferRecord.bulk_create(
                [
                    TransferRecord(
                        customer_id=cid,
                        from_staff_id=owners[cid],
                        to_staff_id=target.id,
                        by_staff_id=principal.staff_id,
                        reason=data.reason,
                        at=now,
                    )
                    for cid in moving
                ]
            )
            await audit.record(
                audit.actor_of(principal),
                "customer.transferred",
                target_type="customer",
                target_id=moving[0] if len(moving) == 1 else "",
                before={"owners": {str(cid): owners[cid] for cid in moving}},
                after={"customer_ids": moving, "to_staff_id": target.id},
                reason=data.reason,
            )
    return TransferResult(transferred=len(moving), unchanged=len(wanted) - len(moving))


async def list_transfers(principal: Principal, customer_id: int) -> list[TransferRead]:
    customer = await customer_in_scope(principal, customer_id)
    rows = await TransferRecord.filter(customer_id=customer.id)
    names = await repository.staff_names(
        {i for r in rows for i in (r.from_staff_id, r.to_staff_id, r.by_staff_id)}
    )
    return [
        TransferRead(
            id=r.id,
            customer_id=r.customer_id,
            from_staff_id=r.from_staff_id,
            from_name=owner_label(names, r.from_staff_id),
            to_staff_id=r.to_staff_id,
            to_name=owner_label(names, r.to_staff_id),
            by_staff_id=r.by_staff_id,
            by_name=names.get(r.by_staff_id, "系统") if r.by_staff_id else "系统",
            reason=r.reason,
            at=r.at,
        )
        for r in rows
    ]
