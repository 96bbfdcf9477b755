"""Link a member to the customer with the same verified phone; link, unlink, list conflicts.

`members` enqueues the automatic run when a phone is verified (and for its backfill); the run
links only the one customer with that phone, when neither side is linked yet and staff have not
undone that very pair. Several customers with the phone make a conflict for staff to settle.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.customers import rules
from crm_core.customers.models import Customer
from crm_core.customers.service._common import customer_in_scope, owner_label
from crm_core.customers.service.masking import shown_phone
from crm_core.db import unit_of_work
from crm_core.member_links import repository
from crm_core.member_links.errors import (
    CustomerHasMemberError,
    MemberLinkedElsewhereError,
    MemberNotFoundError,
    NotLinkedError,
)
from crm_core.member_links.models import LinkBlock, LinkConflict, LinkHow, MemberLink
from crm_core.member_links.schemas import ConflictCustomer, ConflictRead, LinkRead
from crm_core.org.models import Staff
from crm_core.permissions import Principal

MemberCheck = Callable[[Principal, int], Awaitable[bool]]
MemberNames = Callable[[list[int]], Awaitable[dict[int, str]]]
_member_check: list[MemberCheck] = []
_member_names: list[MemberNames] = []
SYSTEM_NAME = "系统"


def set_member_hooks(check: MemberCheck, names: MemberNames) -> None:
    """From scrm: whether staff may see a member (to link it), and members' display names."""
    _member_check[:] = [check]
    _member_names[:] = [names]


class Outcome(StrEnum):
    LINKED = "linked"
    NO_CUSTOMER = "no_customer"
    CONFLICT = "conflict"
    CUSTOMER_TAKEN = "customer_taken"
    MEMBER_TAKEN = "member_taken"
    UNDONE_BEFORE = "undone_before"
    INVALID_PHONE = "invalid_phone"


async def auto_link(member_id: int, phone: str | None, *, override_undo: bool = False) -> Outcome:
    """The automatic run for one member's verified phone (idempotent)."""
    try:
        number = rules.normalize_phone(phone or "")
    except rules.PhoneError:
        return Outcome.INVALID_PHONE
    try:
        return await _auto_link(member_id, number, override_undo=override_undo)
    except IntegrityError:
        # A concurrent run or staff linked this member first (one member, one customer).
        return Outcome.MEMBER_TAKEN


async def _auto_link(member_id: int, number: str, *, override_undo: bool) -> Outcome:
    now = clock.utc_now()
    async with unit_of_work():
        customers = await repository.customers_with_phone_for_update(number)
        if len(customers) > 1:
            await _record_conflict(member_id, number, [c.id for c in customers])
            return Outcome.CONFLICT
        await _resolve_conflict(member_id)
        if not customers:
            return Outcome.NO_CUSTOMER
        customer = customers[0]
        if await MemberLink.exists(member_id=member_id):
            return Outcome.MEMBER_TAKEN
        if customer.member_id is not None:
            return Outcome.CUSTOMER_TAKEN
        undone = LinkBlock.filter(customer_id=customer.id, member_id=member_id)
        if await undone.exists():
            if not override_undo:
                return Outcome.UNDONE_BEFORE
            await undone.delete()
        await _link(customer, member_id, LinkHow.AUTO, audit.SYSTEM, at=now)
    return Outcome.LINKED


async def _record_conflict(member_id: int, number: str, customer_ids: list[int]) -> None:
    found = await LinkConflict.get_or_none(member_id=member_id)
    if found is None:
        await LinkConflict.create(
            member_id=member_id, phone=number, customer_ids=customer_ids, found_at=clock.utc_now()
        )
    elif found.customer_ids != customer_ids or found.resolved_at is not None:
        found.phone, found.customer_ids, found.resolved_at = number, customer_ids, None
        await found.save(update_fields=["phone", "customer_ids", "resolved_at"])


async def _resolve_conflict(member_id: int) -> None:
    await LinkConflict.filter(member_id=member_id, resolved_at__isnull=True).update(
        resolved_at=clock.utc_now()
    )


async def _link(
    customer: Customer, member_id: int, how: LinkHow, actor: audit.Actor, *, at: datetime
) -> None:
    await MemberLink.create(
        customer_id=customer.id, member_id=member_id, how=how, linked_at=at, linked_by_id=actor.id
    )
    customer.member_id = member_id
    await customer.save(update_fields=["member_id"])
    await audit.record(
        actor,
        "customer.member_linked",
        target_type="customer",
        target_id=customer.id,
        after={"member_id": member_id, "how": how.value},
    )


async def link_member(principal: Principal, customer_id: int, member_id: int) -> LinkRead:
    """Staff link a member they may see to a customer in their scope."""
    await customer_in_scope(principal, customer_id)
    if not _member_check or not await _member_check[0](principal, member_id):
        raise MemberNotFoundError(field="member_id")
    try:
        async with unit_of_work():
            customer = await Customer.select_for_update().get(id=customer_id)
            if customer.member_id is not None:
                raise CustomerHasMemberError(member_id=customer.member_id, field="member_id")
            if await MemberLink.exists(member_id=member_id):
                raise MemberLinkedElsewhereError(field="member_id")
            # Linking by hand settles the member's conflict and lifts an earlier undo.
            await LinkBlock.filter(customer_id=customer_id, member_id=member_id).delete()
            await _resolve_conflict(member_id)
            await _link(
                customer, member_id, LinkHow.MANUAL, audit.actor_of(principal), at=clock.utc_now()
            )
    except IntegrityError as error:
        raise MemberLinkedElsewhereError(field="member_id") from error
    return await get_link(principal, customer_id)


async def unlink_member(principal: Principal, customer_id: int, reason: str = "") -> None:
    """Clear the link (auto or manual); automatic runs will not make this pair again."""
    await customer_in_scope(principal, customer_id)
    async with unit_of_work():
        customer = await Customer.select_for_update().get(id=customer_id)
        link = await MemberLink.get_or_none(customer_id=customer_id)
        if link is None or customer.member_id is None:
            raise NotLinkedError()
        await link.delete()
        customer.member_id = None
        await customer.save(update_fields=["member_id"])
        await LinkBlock.get_or_create(
            customer_id=customer_id,
            member_id=link.member_id,
            defaults={"blocked_at": clock.utc_now(), "blocked_by_id": principal.staff_id},
        )
        await audit.record(
            audit.actor_of(principal),
            "customer.member_unlinked",
            target_type="customer",
            target_id=customer_id,
            before={"member_id": link.member_id, "how": link.how.value},
            reason=reason,
        )


async def get_link(principal: Principal, customer_id: int) -> LinkRead:
    await customer_in_scope(principal, customer_id)
    link = await MemberLink.get_or_none(customer_id=customer_id)
    if link is None:
        raise NotLinkedError()
    return await _read(link)


async def link_of(customer_id: int) -> LinkRead | None:
    """For the 360 view, whose caller has already checked the scope."""
    link = await MemberLink.get_or_none(customer_id=customer_id)
    return await _read(link) if link else None


async def _read(link: MemberLink) -> LinkRead:
    staff = await Staff.get_or_none(id=link.linked_by_id) if link.linked_by_id else None
    return LinkRead(
        customer_id=link.customer_id,
        member_id=link.member_id,
        how=link.how,
        linked_at=link.linked_at,
        linked_by_id=link.linked_by_id,
        linked_by_name=staff.name if staff else SYSTEM_NAME,
    )


async def list_conflicts(principal: Principal, *, limit: int = 200) -> list[ConflictRead]:
    """Open conflicts with at least one customer in the caller's scope, and only those."""
    conflicts = await repository.open_conflicts(limit)
    visible = await repository.customers_in_scope(
        principal, {i for c in conflicts for i in c.customer_ids}
    )
    owners = await Staff.filter(id__in=[c.owner_id for c in visible.values() if c.owner_id])
    names = {s.id: s.name for s in owners}
    members = await _member_names[0]([c.member_id for c in conflicts]) if _member_names else {}
    out = []
    for conflict in conflicts:
        shown = [visible[i] for i in conflict.customer_ids if i in visible]
        if not shown:
            continue
        out.append(
            ConflictRead(
                id=conflict.id,
                member_id=conflict.member_id,
                member_name=members.get(conflict.member_id, ""),
                phone=shown_phone(principal, shown[0]),
                found_at=conflict.found_at,
                customers=[
                    ConflictCustomer(
                        id=c.id,
                        name=c.name,
                        phone=shown_phone(principal, c),
                        owner_name=owner_label(names, c.owner_id),
                    )
                    for c in shown
                ],
            )
        )
    return out


async def customer_of_member(member_id: int) -> int | None:
    link = await MemberLink.get_or_none(member_id=member_id)
    return link.customer_id if link else None


async def move_link(source_id: int, target_id: int, actor: audit.Actor) -> int | None:
    """Two members merged: the source's customer follows to the target, unless the target has
    its own (then the source keeps it). Runs inside the merge's transaction; returns the
    customer moved, for the undo."""
    link = await MemberLink.select_for_update().get_or_none(member_id=source_id)
    if link is None or await MemberLink.exists(member_id=target_id):
        return None
    await _repoint(link.customer_id, source_id, target_id, actor)
    return link.customer_id


async def move_link_back(
    customer_id: int, source_id: int, target_id: int, actor: audit.Actor
) -> None:
    """The merge was undone: the customer goes back to the source if still on the target."""
    if await MemberLink.exists(customer_id=customer_id, member_id=target_id):
        await _repoint(customer_id, target_id, source_id, actor)


async def _repoint(customer_id: int, old: int, new: int, actor: audit.Actor) -> None:
    await MemberLink.filter(customer_id=customer_id).update(member_id=new)
    await Customer.filter(id=customer_id).update(member_id=new)
    await audit.record(
        actor,
        "customer.member_relinked",
        target_type="customer",
        target_id=customer_id,
        before={"member_id": old},
        after={"member_id": new},
        reason="会员合并",
    )
