"""The one data-scope rule: which stores and staff a principal reaches (docs/architecture.md).

"own" is the principal themself, their own store and the stores they manage; a department or
subtree scope adds the stores and staff of those departments; "all" has no limit. Every package
filters its rows with `rows_filter()`: a row bound to a store and a staff member (a guide, a first
touch) is visible when either is. Packages add their documented extras on top (fans assigned to
staff in scope, the members behind them).
"""

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from crm_core.org.models import DataScope, Staff, Store
from crm_core.permissions import Principal


@dataclass(frozen=True)
class Scope:
    """Filters on Store and on Staff; None means no limit."""

    stores: Q | None
    staff: Q | None


def scope_of(principal: Principal) -> Scope:
    if principal.department_ids is None:
        return Scope(stores=None, staff=None)
    stores = Q(manager_id=principal.staff_id)
    if principal.store_id is not None:
        stores |= Q(id=principal.store_id)
    staff = Q(id=principal.staff_id)
    if principal.data_scope != DataScope.OWN:
        departments = list(principal.department_ids)
        stores |= Q(department_id__in=departments)
        staff |= Q(department_id__in=departments)
    return Scope(stores=stores, staff=staff)


def visible_stores(principal: Principal) -> Subquery | None:
    """The ids of the stores in scope, as a subquery (None: every store)."""
    scope = scope_of(principal).stores
    return None if scope is None else Subquery(Store.filter(scope).values("id"))


def visible_staff(principal: Principal) -> Subquery | None:
    """The ids of the staff in scope, as a subquery (None: every staff member)."""
    scope = scope_of(principal).staff
    return None if scope is None else Subquery(Staff.filter(scope).values("id"))


def rows_filter(principal: Principal, *, store: str, staff: str | None = None) -> Q | None:
    """Rows whose `store` field names a store in scope, or whose `staff` field a staff member in
    scope (None: no limit)."""
    stores, people = visible_stores(principal), visible_staff(principal)
    if stores is None or people is None:
        return None
    by_store: dict[str, Any] = {f"{store}__in": stores}
    by_staff: dict[str, Any] = {f"{staff}__in": people}
    return Q(**by_store) | Q(**by_staff) if staff else Q(**by_store)


def stores_in_scope(principal: Principal) -> QuerySet[Store]:
    scope = scope_of(principal).stores
    return Store.all() if scope is None else Store.filter(scope)


def staff_in_scope(principal: Principal) -> QuerySet[Staff]:
    scope = scope_of(principal).staff
    return Staff.all() if scope is None else Staff.filter(scope)


async def store_visible(principal: Principal, store_id: int) -> bool:
    return await stores_in_scope(principal).filter(id=store_id).exists()
