"""A customer's contacts and follow-up records (call, visit, WeChat, note)."""

from crm_core import audit, clock
from crm_core.customers import repository, rules
from crm_core.customers.errors import ContactNotFoundError
from crm_core.customers.models import Contact, Customer, FollowUp
from crm_core.customers.schemas import (
    ContactCreate,
    ContactRead,
    ContactUpdate,
    FollowUpCreate,
    FollowUpRead,
)
from crm_core.customers.service._common import customer_in_scope, lock_editable
from crm_core.customers.service.customers import phone_of
from crm_core.customers.service.masking import phone_visible, shown_phone
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


def _contact(principal: Principal, customer: Customer, contact: Contact) -> ContactRead:
    return ContactRead(
        id=contact.id,
        customer_id=customer.id,
        name=contact.name,
        phone=shown_phone(principal, customer, contact.phone) if contact.phone else "",
        phone_masked=bool(contact.phone) and not phone_visible(principal, customer.owner_id),
        title=contact.title,
        is_primary=contact.is_primary,
    )


def _contact_audit(contact: Contact) -> dict[str, object]:
    return {
        "name": contact.name,
        "phone": rules.mask_phone(contact.phone),
        "title": contact.title,
        "is_primary": contact.is_primary,
    }


async def list_contacts(principal: Principal, customer_id: int) -> list[ContactRead]:
    customer = await customer_in_scope(principal, customer_id)
    contacts = await Contact.filter(customer_id=customer.id)
    return [_contact(principal, customer, c) for c in contacts]


async def create_contact(
    principal: Principal, customer_id: int, data: ContactCreate
) -> ContactRead:
    customer = await customer_in_scope(principal, customer_id)
    phone = phone_of(data.phone) if data.phone else ""
    async with unit_of_work():
        await lock_editable(customer.id)
        if data.is_primary:
            # One primary contact per customer: the lock above keeps two from racing.
            await Contact.filter(customer_id=customer.id).update(is_primary=False)
        contact = await Contact.create(
            customer_id=customer.id,
            name=data.name,
            phone=phone,
            title=data.title,
            is_primary=data.is_primary,
            created_at=clock.utc_now(),
        )
        await audit.record(
            audit.actor_of(principal),
            "customer.contact_created",
            target_type="customer",
            target_id=customer.id,
            after={"contact_id": contact.id, **_contact_audit(contact)},
        )
    return _contact(principal, customer, contact)


async def update_contact(
    principal: Principal, customer_id: int, contact_id: int, data: ContactUpdate
) -> ContactRead:
    customer = await customer_in_scope(principal, customer_id)
    contact = await Contact.get_or_none(id=contact_id, customer_id=customer.id)
    if contact is None:
        raise ContactNotFoundError()
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "phone" in changes:
        changes["phone"] = phone_of(changes["phone"]) if changes["phone"] else ""
    before = _contact_audit(contact)
    async with unit_of_work():
        await lock_editable(customer.id)
        if changes.get("is_primary"):
            await (
                Contact.filter(customer_id=customer.id)
                .exclude(id=contact.id)
                .update(is_primary=False)
            )
        contact.update_from_dict(changes)
        await contact.save()
        old, new = audit.changes(before, _contact_audit(contact))
        await audit.record(
            audit.actor_of(principal),
            "customer.contact_updated",
            target_type="customer",
            target_id=customer.id,
            before={"contact_id": contact.id, **old},
            after={"contact_id": contact.id, **new},
        )
    return _contact(principal, customer, contact)


async def list_follow_ups(principal: Principal, customer_id: int) -> list[FollowUpRead]:
    customer = await customer_in_scope(principal, customer_id)
    rows = await FollowUp.filter(customer_id=customer.id).limit(500)
    names = await repository.staff_names({r.staff_id for r in rows})
    return [_follow_up(r, names) for r in rows]


def _follow_up(row: FollowUp, names: dict[int, str]) -> FollowUpRead:
    return FollowUpRead(
        id=row.id,
        customer_id=row.customer_id,
        kind=row.kind,
        content=row.content,
        next_contact_at=row.next_contact_at,
        staff_id=row.staff_id,
        staff_name=names.get(row.staff_id, ""),
        at=row.at,
    )


async def add_follow_up(
    principal: Principal, customer_id: int, data: FollowUpCreate
) -> FollowUpRead:
    """Records the contact and moves the customer's last-followed and next-contact dates (the
    public pool's recycling reads last_followed_at)."""
    customer = await customer_in_scope(principal, customer_id)
    now = clock.utc_now()
    async with unit_of_work():
        await lock_editable(customer.id)
        row = await FollowUp.create(
            customer_id=customer.id,
            kind=data.kind,
            content=data.content,
            next_contact_at=data.next_contact_at,
            staff_id=principal.staff_id,
            at=now,
        )
        await Customer.filter(id=customer.id).update(
            last_followed_at=now, next_contact_at=data.next_contact_at, updated_at=now
        )
        await audit.record(
            audit.actor_of(principal),
            "customer.followed_up",
            target_type="customer",
            target_id=customer.id,
            after={"follow_up_id": row.id, "kind": data.kind.value},
        )
    return _follow_up(row, {principal.staff_id: principal.name})
