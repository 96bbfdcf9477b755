"""Enter, read and edit customers. Dedupe on (phone, name) is the database's unique key, so two
concurrent entries of one customer end as one row and one 409."""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.approvals.service import locks
from crm_core.customers import repository, rules
from crm_core.customers.errors import (
    InvalidPhoneError,
    OwnerNotEligibleError,
    OwnerNotFoundError,
)
from crm_core.customers.models import Customer
from crm_core.customers.schemas import (
    CustomerCreate,
    CustomerFilter,
    CustomerPage,
    CustomerRead,
    CustomerUpdate,
)
from crm_core.customers.service._common import (
    audit_view,
    customer_in_scope,
    lock_editable,
    read_many,
    read_one,
)

# The 409 naming the holder of a phone + name, for other packages that dedupe (leads).
from crm_core.customers.service._common import duplicate_of as duplicate_of
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.org.scope import staff_in_scope
from crm_core.org.service.auth import principal_for
from crm_core.permissions import Principal

OWNER_PERMISSION = "customers.customer:view"
# The approval kind of customers (crm_core/customers/approvals.py): a locked one is not edited.
KIND = "customer"


def phone_of(text: str) -> str:
    try:
        return rules.normalize_phone(text)
    except rules.PhoneError:
        raise InvalidPhoneError(field="phone") from None


async def eligible_owner(principal: Principal, staff_id: int, *, field: str) -> Staff:
    """A staff member in the caller's scope (else 404, like a missing one) who is active and may
    work customers (else 409)."""
    staff = await staff_in_scope(principal).get_or_none(id=staff_id)
    if staff is None:
        raise OwnerNotFoundError()
    owner = await principal_for(staff.id)
    if owner is None or not owner.can(OWNER_PERMISSION):
        raise OwnerNotEligibleError(name=staff.name, field=field)
    return staff


async def list_customers(
    principal: Principal, f: CustomerFilter, *, page: int, page_size: int
) -> CustomerPage:
    query = repository.filtered(principal, f, await repository.resolved_scope_filter(principal))
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return CustomerPage(
        items=await read_many(principal, rows), total=total, page=page, page_size=page_size
    )


async def get_customer(principal: Principal, customer_id: int) -> CustomerRead:
    return await read_one(principal, await customer_in_scope(principal, customer_id))


async def create_customer(principal: Principal, data: CustomerCreate) -> CustomerRead:
    phone = phone_of(data.phone)
    if data.owner_id is None or data.owner_id == principal.staff_id:
        owner_id, department_id = principal.staff_id, principal.department_id
    else:
        owner = await eligible_owner(principal, data.owner_id, field="owner_id")
        owner_id, department_id = owner.id, owner.department_id  # type: ignore[attr-defined]
    key = rules.name_key(data.name)
    if await Customer.exists(phone=phone, name_key=key):
        raise await duplicate_of(principal, phone, data.name)
    now = clock.utc_now()
    values = data.model_dump(exclude={"phone", "owner_id"})
    try:
        async with unit_of_work():
            customer = await Customer.create(
                **values,
                name_key=key,
                phone=phone,
                owner_id=owner_id,
                department_id=department_id,
                created_by_id=principal.staff_id,
                created_at=now,
                updated_at=now,
            )
            await audit.record(
                audit.actor_of(principal),
                "customer.created",
                target_type="customer",
                target_id=customer.id,
                after=audit_view(customer),
            )
    except IntegrityError:
        # Entered at the same moment by someone else: theirs won.
        raise await duplicate_of(principal, phone, data.name) from None
    return await read_one(principal, customer)


async def update_customer(
    principal: Principal, customer_id: int, data: CustomerUpdate
) -> CustomerRead:
    customer = await customer_in_scope(principal, customer_id)
    await locks.assert_unlocked(KIND, customer.id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        return await read_one(principal, customer)
    if "name" in changes:
        changes["name_key"] = rules.name_key(changes["name"])
        taken = Customer.filter(phone=customer.phone, name_key=changes["name_key"])
        if await taken.exclude(id=customer.id).exists():
            raise await duplicate_of(principal, customer.phone, changes["name"])
    try:
        async with unit_of_work():
            customer = await lock_editable(customer.id)
            before = audit_view(customer)
            customer.update_from_dict({**changes, "updated_at": clock.utc_now()})
            await customer.save()
            old, new = audit.changes(before, audit_view(customer))
            await audit.record(
                audit.actor_of(principal),
                "customer.updated",
                target_type="customer",
                target_id=customer.id,
                before=old,
                after=new,
            )
    except IntegrityError:
        raise await duplicate_of(principal, customer.phone, changes["name"]) from None
    return await read_one(principal, customer)
