"""Named queries for the organisation; every list and lookup is filtered by the data scope
(`crm_core/org/scope.py`)."""

from tortoise.queryset import QuerySet

from crm_core.org.models import Department, Role, Staff, Store
from crm_core.org.scope import staff_in_scope, stores_in_scope
from crm_core.permissions import Principal


async def department_parents() -> dict[int, int | None]:
    rows = await Department.all().values_list("id", "parent_id")
    return {int(row[0]): row[1] for row in rows}


def departments(principal: Principal) -> QuerySet[Department]:
    if principal.department_ids is None:
        return Department.all()
    return Department.filter(id__in=list(principal.department_ids))


def staff(principal: Principal) -> QuerySet[Staff]:
    return staff_in_scope(principal)


def stores(principal: Principal) -> QuerySet[Store]:
    return stores_in_scope(principal)


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
