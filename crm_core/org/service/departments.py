from tortoise.exceptions import IntegrityError

from crm_core import audit
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org import repository, rules
from crm_core.org.errors import (
    DepartmentCycleError,
    DepartmentNotEmptyError,
    DepartmentNotFoundError,
    DuplicateNameError,
)
from crm_core.org.models import Department, Staff, Store
from crm_core.org.schemas import DepartmentCreate, DepartmentRead, DepartmentUpdate
from crm_core.org.service._common import snapshot
from crm_core.permissions import Principal

FIELDS = ("name", "parent_id", "sort_order")


async def list_departments(principal: Principal) -> list[DepartmentRead]:
    rows = await repository.departments(principal).order_by("sort_order", "id")
    return [DepartmentRead.model_validate(row) for row in rows]


async def get_department(principal: Principal, department_id: int) -> Department:
    department = await repository.departments(principal).get_or_none(id=department_id)
    if department is None:
        raise DepartmentNotFoundError()
    return department


async def create_department(principal: Principal, data: DepartmentCreate) -> DepartmentRead:
    if data.parent_id is not None:
        await get_department(principal, data.parent_id)
    elif principal.department_ids is not None:
        raise DepartmentNotFoundError("只能在自己可见的部门下新建部门")
    try:
        async with unit_of_work():
            department = await Department.create(**data.model_dump())
            await audit.record(
                actor_of(principal),
                "department.create",
                target_type="department",
                target_id=department.id,
                after=snapshot(department, FIELDS),
            )
    except IntegrityError as error:
        raise DuplicateNameError(kind="部门") from error
    return DepartmentRead.model_validate(department)


async def update_department(
    principal: Principal, department_id: int, data: DepartmentUpdate
) -> DepartmentRead:
    department = await get_department(principal, department_id)
    before = snapshot(department, FIELDS)
    if data.move:
        if data.parent_id is not None:
            await get_department(principal, data.parent_id)
        elif principal.department_ids is not None:
            raise DepartmentNotFoundError("只有全部数据权限的用户可以把部门移到顶级")
        if rules.would_create_cycle(
            department.id, data.parent_id, await repository.department_parents()
        ):
            raise DepartmentCycleError()
        department.parent_id = data.parent_id  # type: ignore[attr-defined]
    if data.name is not None:
        department.name = data.name
    if data.sort_order is not None:
        department.sort_order = data.sort_order
    try:
        async with unit_of_work():
            await department.save()
            old, new = audit.changes(before, snapshot(department, FIELDS))
            await audit.record(
                actor_of(principal),
                "department.update",
                target_type="department",
                target_id=department.id,
                before=old,
                after=new,
            )
    except IntegrityError as error:
        raise DuplicateNameError(kind="部门") from error
    return DepartmentRead.model_validate(department)


async def delete_department(principal: Principal, department_id: int) -> None:
    department = await get_department(principal, department_id)
    async with unit_of_work():
        # Lock the row so a concurrent "add staff to this department" cannot slip in between.
        await Department.select_for_update().get(id=department.id)
        if (
            await Department.filter(parent_id=department.id).exists()
            or await Staff.filter(department_id=department.id).exists()
            or await Store.filter(department_id=department.id).exists()
        ):
            raise DepartmentNotEmptyError()
        await department.delete()
        await audit.record(
            actor_of(principal),
            "department.delete",
            target_type="department",
            target_id=department_id,
            before=snapshot(department, FIELDS),
        )


def as_tree(rows: list[DepartmentRead]) -> list[tuple[int, DepartmentRead]]:
    """Depth-first (depth, department) pairs; departments whose parent is hidden become roots."""
    ids = {row.id for row in rows}
    children: dict[int | None, list[DepartmentRead]] = {}
    for row in rows:
        parent = row.parent_id if row.parent_id in ids else None
        children.setdefault(parent, []).append(row)
    ordered: list[tuple[int, DepartmentRead]] = []

    def walk(parent: int | None, depth: int) -> None:
        for child in children.get(parent, []):
            ordered.append((depth, child))
            walk(child.id, depth + 1)

    walk(None, 0)
    return ordered
