"""Named queries for the organisation; every list and lookup is filtered by the data scope."""

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core.org.models import Department, Role, Staff, Store
from crm_core.permissions import Principal


async def department_parents() -> dict[int, int | None]:
    rows = await Department.all().values_list("id", "parent_id")
    return {int(row[0]): row[1] for row in rows}


def _own_department_filter(principal: Principal, field: str) -> Q:
    if principal.department_ids is None:
        return Q()
    filters: dict[str, Any] = {f"{field}__in": list(principal.department_ids)}
    return Q(**filters)


def departments(principal: Principal) -> QuerySet[Department]:
    return Department.filter(_own_department_filter(principal, "id"))


def staff(principal: Principal) -> QuerySet[Staff]:
    if principal.data_scope == "own":
        return Staff.filter(id=principal.staff_id)
    return Staff.filter(_own_department_filter(principal, "department_id"))


def stores(principal: Principal) -> QuerySet[Store]:
    if principal.data_scope == "own":
        return Store.filter(Q(id=principal.store_id or 0) | Q(manager_id=principal.staff_id))
    return Store.filter(_own_department_filter(principal, "department_id"))


async def active_admin_ids() -> set[int]:
    rows = await Staff.filter(is_active=True, roles__code="admin").values_list("id", flat=True)
    return {int(str(r)) for r in rows}


async def role_ids_of(staff_ids: list[int]) -> dict[int, list[int]]:
    through = await Staff.filter(id__in=staff_ids).values_list("id", "roles__id")
    result: dict[int, list[int]] = {i: [] for i in staff_ids}
    for staff_id, role_id in through:
        if role_id is not None:
            result[int(staff_id)].append(int(role_id))
    return result


async def roles_of(staff_id: int) -> list[Role]:
    return await Role.filter(staff__id=staff_id)


async def roles_by_ids(ids: list[int]) -> list[Role]:
    return await Role.filter(id__in=ids)


async def count_staff_with_role(role_id: int) -> int:
    return await Staff.filter(roles__id=role_id).count()
