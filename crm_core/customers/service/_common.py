"""Reads shared by the customer use cases: scoped lookups and masked representations."""

from crm_core.customers import repository, rules
from crm_core.customers.errors import (
    CustomerDuplicateError,
    CustomerInPoolError,
    CustomerNotFoundError,
)
from crm_core.customers.models import Customer
from crm_core.customers.schemas import CustomerRead
from crm_core.customers.service.masking import phone_visible, shown_phone
from crm_core.permissions import Principal

POOL = "公海"


def owner_label(names: dict[int, str], staff_id: int | None) -> str:
    """A staff member's name; no owner means the public pool."""
    return names.get(staff_id, POOL) if staff_id else POOL


async def customer_in_scope(principal: Principal, customer_id: int) -> Customer:
    customer = await repository.in_scope(principal).get_or_none(id=customer_id)
    if customer is None:
        raise CustomerNotFoundError()
    return customer


async def lock_editable(customer_id: int) -> Customer:
    """The customer's row, locked for this transaction; 409 while it sits in the public pool
    (pool customers are read-only until claimed, crm_core/customers/pool)."""
    customer = await Customer.select_for_update().get(id=customer_id)
    if customer.owner_id is None:
        raise CustomerInPoolError()
    return customer


def read(principal: Principal, customer: Customer, names: dict[int, str]) -> CustomerRead:
    return CustomerRead(
        id=customer.id,
        kind=customer.kind,
        name=customer.name,
        phone=shown_phone(principal, customer),
        phone_masked=not phone_visible(principal, customer.owner_id),
        level=customer.level,
        source=customer.source,
        industry=customer.industry,
        address=customer.address,
        tags=list(customer.tags),
        owner_id=customer.owner_id,
        owner_name=owner_label(names, customer.owner_id),
        department_id=customer.department_id,
        member_id=customer.member_id,
        credit_limit_fen=customer.credit_limit_fen,
        last_followed_at=customer.last_followed_at,
        next_contact_at=customer.next_contact_at,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


async def read_many(principal: Principal, customers: list[Customer]) -> list[CustomerRead]:
    names = await repository.staff_names({c.owner_id for c in customers})
    return [read(principal, c, names) for c in customers]


async def read_one(principal: Principal, customer: Customer) -> CustomerRead:
    return (await read_many(principal, [customer]))[0]


async def duplicate_of(principal: Principal, phone: str, name: str) -> CustomerDuplicateError:
    """The 409 naming the customer that holds (phone, name): its owner's name, and its phone
    masked unless the caller may see it, whoever's scope it is in."""
    existing = await Customer.get(phone=phone, name_key=rules.name_key(name))
    names = await repository.staff_names({existing.owner_id})
    owner = owner_label(names, existing.owner_id)
    return CustomerDuplicateError(
        name=existing.name, phone=shown_phone(principal, existing), owner=owner, field="phone"
    )


def audit_view(customer: Customer) -> dict[str, object]:
    """What the audit log keeps of a customer: never a full phone number."""
    return {
        "name": customer.name,
        "phone": rules.mask_phone(customer.phone),
        "kind": customer.kind.value,
        "level": customer.level.value,
        "source": customer.source.value,
        "industry": customer.industry,
        "address": customer.address,
        "tags": list(customer.tags),
        "owner_id": customer.owner_id,
    }
