"""Named queries of opportunities: the data scope, the list filters, the report aggregates."""

from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from crm_core.org.models import DataScope, Staff
from crm_core.org.scope import visible_staff
from crm_core.permissions import Principal
from crm_core.sales.opportunities.models import Opportunity, OpportunityStatus
from crm_core.sales.opportunities.schemas import OpportunityFilter


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of opportunities, the customers' rule: those owned by a staff
    member in the caller's scope (own: themself; department or subtree: its staff; all)."""
    if principal.department_ids is None:
        return Q()
    if principal.data_scope == DataScope.OWN:
        return Q(owner_id=principal.staff_id)
    people = visible_staff(principal)
    return Q() if people is None else Q(owner_id__in=people)


def in_scope(principal: Principal) -> QuerySet[Opportunity]:
    return Opportunity.filter(scope_filter(principal))


def filtered(principal: Principal, f: OpportunityFilter) -> QuerySet[Opportunity]:
    query = in_scope(principal)
    if f.q.strip():
        text = f.q.strip()
        query = query.filter(Q(name__icontains=text) | Q(customer__name__icontains=text))
    for field in ("stage_id", "status", "owner_id", "customer_id"):
        value = getattr(f, field)
        if value is not None:
            query = query.filter(**{field: value})
    return query


async def lock(principal: Principal, opportunity_id: int) -> Opportunity | None:
    """The opportunity, row-locked until the transaction ends: two stage moves at once queue up
    here instead of both closing the same history row."""
    return await in_scope(principal).filter(id=opportunity_id).select_for_update().first()


async def funnel_rows(principal: Principal) -> list[dict[str, Any]]:
    return list(
        await in_scope(principal)
        .annotate(count=Count("id"), amount=Sum("amount_fen"))
        .group_by("stage_id")
        .values("stage_id", "count", "amount")
    )


async def open_totals(
    principal: Principal, since: date | None, until: date | None
) -> list[dict[str, Any]]:
    """Open opportunities summed per (expected close date, owner, stage)."""
    query = in_scope(principal).filter(status=OpportunityStatus.OPEN)
    if since is not None:
        query = query.filter(expected_close_date__gte=since)
    if until is not None:
        query = query.filter(expected_close_date__lte=until)
    return list(
        await query.annotate(count=Count("id"), amount=Sum("amount_fen"))
        .group_by("expected_close_date", "owner_id", "stage_id")
        .values("expected_close_date", "owner_id", "stage_id", "count", "amount")
    )


async def staff_names(ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(await Staff.filter(id__in=wanted).values_list("id", "name"))
