"""Named queries of customers: the data scope, the list filters, names for display."""

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core.customers import rules
from crm_core.customers.models import Customer
from crm_core.customers.schemas import CustomerFilter
from crm_core.org.models import DataScope, Staff
from crm_core.org.scope import staff_in_scope, visible_staff
from crm_core.permissions import Principal


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of customers: those owned by a staff member in the caller's scope
    (own: themself; department or subtree: its staff; all: every customer)."""
    if principal.department_ids is None:
        return Q()
    if principal.data_scope == DataScope.OWN:
        return Q(owner_id=principal.staff_id)
    people = visible_staff(principal)
    return Q() if people is None else Q(owner_id__in=people)


async def resolved_scope_filter(principal: Principal) -> Q:
    """scope_filter with the staff in scope read first: PostgreSQL counts a list page over a
    constant id list with the owner index, where the subquery makes it scan every customer
    (bench/crm.py at 1M customers)."""
    if principal.department_ids is None or principal.data_scope == DataScope.OWN:
        return scope_filter(principal)
    people: list[int] = await staff_in_scope(principal).values_list("id", flat=True)  # type: ignore[assignment]
    return Q(owner_id__in=people)


def in_scope(principal: Principal) -> QuerySet[Customer]:
    return Customer.filter(scope_filter(principal))


def keyword_filter(text: str) -> Q:
    """A name fragment, or a whole phone number exactly. Digit fragments match only the last
    four digits, which a masked number shows anyway: a search must not reveal hidden digits."""
    try:
        by_phone = Q(phone=rules.normalize_phone(text))
    except rules.PhoneError:
        digits = text.strip()
        by_phone = (
            Q(phone__endswith=digits) if digits.isdigit() and len(digits) <= 4 else Q(id__in=[])
        )
    return Q(name__icontains=text) | by_phone


def filtered(principal: Principal, f: CustomerFilter, scope: Q | None = None) -> QuerySet[Customer]:
    query = in_scope(principal) if scope is None else Customer.filter(scope)
    if f.q.strip():
        query = query.filter(keyword_filter(f.q.strip()))
    if f.level is not None:
        query = query.filter(level=f.level)
    if f.source is not None:
        query = query.filter(source=f.source)
    if f.owner_id is not None:
        query = query.filter(owner_id=f.owner_id)
    if f.tag:
        query = query.filter(tags__contains=[f.tag])
    if f.next_contact_before is not None:
        query = query.filter(next_contact_at__lte=f.next_contact_before)
    return query


async def staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(await Staff.filter(id__in=wanted).values_list("id", "name"))
