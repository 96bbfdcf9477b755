import re

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from crm_core import audit, security
from crm_core.audit import actor_of
from crm_core.db import advisory_lock, unit_of_work
from crm_core.org import repository, rules
from crm_core.org.errors import (
    DuplicateUsernameError,
    LastAdministratorError,
    PositionNotFoundError,
    RoleNotFoundError,
    StaffNotFoundError,
    StaffOutranksYouError,
    WeakPasswordError,
)
from crm_core.org.models import Position, Role, Staff
from crm_core.org.schemas import (
    Page,
    PasswordReset,
    StaffCreate,
    StaffMove,
    StaffRead,
    StaffUpdate,
)
from crm_core.org.service._common import snapshot
from crm_core.org.service.departments import get_department
from crm_core.org.service.stores import get_store
from crm_core.permissions import Principal

FIELDS = (
    "username",
    "name",
    "phone",
    "email",
    "department_id",
    "position_id",
    "store_id",
    "is_guide",
    "is_active",
)


def check_password_strength(password: str) -> None:
    if len(password) < 8 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise WeakPasswordError()


async def _read(staff: Staff) -> StaffRead:
    role_ids = (await repository.role_ids_of([staff.id]))[staff.id]
    return StaffRead.model_validate(staff).model_copy(update={"role_ids": sorted(role_ids)})


async def list_staff(
    principal: Principal,
    *,
    keyword: str = "",
    department_id: int | None = None,
    active: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[StaffRead]:
    query = repository.staff(principal)
    if keyword:
        query = query.filter(Q(name__icontains=keyword) | Q(username__icontains=keyword))
    if department_id is not None:
        query = query.filter(department_id=department_id)
    if active is not None:
        query = query.filter(is_active=active)
    total = await query.count()
    rows = await query.order_by("id").offset((page - 1) * page_size).limit(page_size)
    roles = await repository.role_ids_of([row.id for row in rows])
    items = [
        StaffRead.model_validate(row).model_copy(update={"role_ids": sorted(roles[row.id])})
        for row in rows
    ]
    return Page[StaffRead](items=items, total=total, page=page, page_size=page_size)


async def get_staff(principal: Principal, staff_id: int) -> Staff:
    staff = await repository.staff(principal).get_or_none(id=staff_id)
    if staff is None:
        raise StaffNotFoundError()
    return staff


async def get_manageable_staff(principal: Principal, staff_id: int) -> Staff:
    """A staff member the principal may edit, move, disable or reset: in scope (else 404) and
    holding no permission or data scope beyond the principal's (else 403)."""
    staff = await get_staff(principal, staff_id)
    roles = await repository.roles_of(staff.id)
    if not rules.within(
        principal.permissions, principal.data_scope, [(r.permissions, r.data_scope) for r in roles]
    ):
        raise StaffOutranksYouError()
    return staff


async def read_staff(principal: Principal, staff_id: int) -> StaffRead:
    return await _read(await get_staff(principal, staff_id))


async def _resolve_roles(principal: Principal, role_ids: list[int]) -> list[Role]:
    roles = await repository.roles_by_ids(role_ids)
    if len(roles) != len(set(role_ids)):
        raise RoleNotFoundError()
    # Nobody hands out a role that grants more than they hold themselves.
    for role in roles:
        if not rules.within(
            principal.permissions, principal.data_scope, [(role.permissions, role.data_scope)]
        ):
            raise RoleNotFoundError(f"无权分配角色“{role.name}”")
    return roles


async def _check_references(
    principal: Principal, position_id: int | None, store_id: int | None
) -> None:
    if position_id is not None and not await Position.exists(id=position_id):
        raise PositionNotFoundError()
    if store_id is not None:
        await get_store(principal, store_id)


async def create_staff(principal: Principal, data: StaffCreate) -> StaffRead:
    check_password_strength(data.password)
    if data.department_id is not None:
        await get_department(principal, data.department_id)
    elif principal.department_ids is not None:
        raise StaffNotFoundError("请选择一个您可见的部门")
    await _check_references(principal, data.position_id, data.store_id)
    roles = await _resolve_roles(principal, data.role_ids)
    values = data.model_dump(exclude={"password", "role_ids"})
    try:
        async with unit_of_work():
            staff = await Staff.create(
                **values, password_hash=security.hash_password(data.password)
            )
            if roles:
                await staff.roles.add(*roles)
            after = snapshot(staff, FIELDS) | {"role_ids": sorted(r.id for r in roles)}
            await audit.record(
                actor_of(principal),
                "staff.create",
                target_type="staff",
                target_id=staff.id,
                after=after,
            )
    except IntegrityError as error:
        raise DuplicateUsernameError(username=data.username) from error
    return await _read(staff)


_ADMIN_LOCK = 7_301_002


async def _guard_last_admin(staff: Staff, *, losing_admin: bool) -> None:
    # Two admins disabling each other at once must not both succeed.
    await advisory_lock(_ADMIN_LOCK)
    if losing_admin and await repository.active_admin_ids() == {staff.id}:
        raise LastAdministratorError()


async def update_staff(principal: Principal, staff_id: int, data: StaffUpdate) -> StaffRead:
    staff = await get_manageable_staff(principal, staff_id)
    current_roles = (await repository.role_ids_of([staff.id]))[staff.id]
    before = snapshot(staff, FIELDS) | {"role_ids": sorted(current_roles)}
    await _check_references(principal, data.position_id, data.store_id)
    changes = data.model_dump(exclude_none=True, exclude={"role_ids", "clear_store"})
    if data.clear_store:
        changes["store_id"] = None
    roles = None if data.role_ids is None else await _resolve_roles(principal, data.role_ids)
    async with unit_of_work():
        await Staff.select_for_update().get(id=staff.id)
        if roles is not None:
            held = list(await staff.roles.all())
            losing = any(r.code == "admin" for r in held) and not any(
                r.code == "admin" for r in roles
            )
            await _guard_last_admin(staff, losing_admin=losing)
            await staff.roles.clear()
            if roles:
                await staff.roles.add(*roles)
        staff.update_from_dict(changes)
        await staff.save()
        role_ids = sorted(r.id for r in roles) if roles is not None else sorted(current_roles)
        old, new = audit.changes(before, snapshot(staff, FIELDS) | {"role_ids": role_ids})
        await audit.record(
            actor_of(principal),
            "staff.update",
            target_type="staff",
            target_id=staff.id,
            before=old,
            after=new,
        )
    return await _read(staff)


async def move_staff(principal: Principal, staff_id: int, data: StaffMove) -> StaffRead:
    staff = await get_manageable_staff(principal, staff_id)
    await get_department(principal, data.department_id)
    before = staff.department_id  # type: ignore[attr-defined]
    async with unit_of_work():
        staff.department_id = data.department_id  # type: ignore[attr-defined]
        await staff.save(update_fields=["department_id"])
        await audit.record(
            actor_of(principal),
            "staff.move",
            target_type="staff",
            target_id=staff.id,
            before={"department_id": before},
            after={"department_id": data.department_id},
        )
    return await _read(staff)


async def set_staff_active(principal: Principal, staff_id: int, active: bool) -> StaffRead:
    staff = await get_manageable_staff(principal, staff_id)
    async with unit_of_work():
        await Staff.select_for_update().get(id=staff.id)
        if not active:
            is_admin = await staff.roles.filter(code="admin").exists()
            await _guard_last_admin(staff, losing_admin=is_admin and staff.is_active)
        staff.is_active = active
        await staff.save(update_fields=["is_active"])
        await audit.record(
            actor_of(principal),
            "staff.enable" if active else "staff.disable",
            target_type="staff",
            target_id=staff.id,
            before={"is_active": not active},
            after={"is_active": active},
        )
    if not active:
        await security.revoke_all_sessions(staff.id)
    return await _read(staff)


async def reset_password(principal: Principal, staff_id: int, data: PasswordReset) -> None:
    check_password_strength(data.password)
    staff = await get_manageable_staff(principal, staff_id)
    async with unit_of_work():
        staff.password_hash = security.hash_password(data.password)
        await staff.save(update_fields=["password_hash"])
        await audit.record(
            actor_of(principal), "staff.reset_password", target_type="staff", target_id=staff.id
        )
    await security.revoke_all_sessions(staff.id)


async def create_superuser(username: str, name: str, password: str) -> Staff:
    """For the CLI: an administrator with the built-in admin role, audited as the system."""
    from crm_core.org.service.roles import ensure_builtin_roles

    check_password_strength(password)
    await ensure_builtin_roles()
    admin_role = await Role.get(code="admin")
    try:
        async with unit_of_work():
            staff = await Staff.create(
                username=username, name=name, password_hash=security.hash_password(password)
            )
            await staff.roles.add(admin_role)
            await audit.record(
                audit.SYSTEM,
                "staff.create_superuser",
                target_type="staff",
                target_id=staff.id,
                after={"username": username, "name": name},
            )
    except IntegrityError as error:
        raise DuplicateUsernameError(username=username) from error
    return staff


async def list_guides(principal: Principal, *, store_id: int | None = None) -> list[StaffRead]:
    query = repository.staff(principal).filter(is_guide=True)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    rows = await query.order_by("store_id", "id").limit(500)
    return [StaffRead.model_validate(row) for row in rows]
