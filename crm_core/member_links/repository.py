"""Named queries of member links; the data scope is the customers' (a link follows its customer)."""

from tortoise.expressions import Q

from crm_core.customers import repository as customers
from crm_core.customers.models import Customer
from crm_core.member_links.models import LinkConflict
from crm_core.permissions import Principal


def scope_filter(principal: Principal) -> Q:
    """The one scope rule here: a link, or a conflict's customer, is seen through its customer."""
    return customers.scope_filter(principal)


async def customers_with_phone_for_update(phone: str) -> list[Customer]:
    return await Customer.filter(phone=phone).select_for_update().order_by("id")


async def open_conflicts(limit: int) -> list[LinkConflict]:
    return await LinkConflict.filter(resolved_at__isnull=True).limit(limit)


async def customers_in_scope(principal: Principal, ids: set[int]) -> dict[int, Customer]:
    rows = await Customer.filter(scope_filter(principal), id__in=list(ids))
    return {c.id: c for c in rows}
