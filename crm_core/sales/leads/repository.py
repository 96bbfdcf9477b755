"""Named queries of leads: the data scope and the list filters."""

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core.org.models import DataScope, Staff
from crm_core.org.scope import visible_staff
from crm_core.permissions import Principal
from crm_core.sales.leads.models import Lead
from crm_core.sales.leads.schemas import LeadFilter


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of leads, the customers' rule: those owned by a staff member in
    the caller's scope."""
    if principal.department_ids is None:
        return Q()
    if principal.data_scope == DataScope.OWN:
        return Q(owner_id=principal.staff_id)
    people = visible_staff(principal)
    return Q() if people is None else Q(owner_id__in=people)


def in_scope(principal: Principal) -> QuerySet[Lead]:
    return Lead.filter(scope_filter(principal))


def filtered(principal: Principal, f: LeadFilter) -> QuerySet[Lead]:
    query = in_scope(principal)
    if f.q.strip():
        text = f.q.strip()
        # Names and companies only: a digit search must not probe masked numbers.
        query = query.filter(Q(name__icontains=text) | Q(company__icontains=text))
    for field in ("status", "source", "owner_id"):
        value = getattr(f, field)
        if value is not None:
            query = query.filter(**{field: value})
    return query


async def lock(principal: Principal, lead_id: int) -> Lead | None:
    return await in_scope(principal).filter(id=lead_id).select_for_update().first()


async def staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(await Staff.filter(id__in=wanted).values_list("id", "name"))
