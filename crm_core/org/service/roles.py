from tortoise.exceptions import IntegrityError

from crm_core import audit
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org import repository
from crm_core.org.errors import (
    BuiltinRoleError,
    DuplicateRoleCodeError,
    RoleInUseError,
    RoleNotFoundError,
    UnknownPermissionError,
)
from crm_core.org.models import DataScope, Role
from crm_core.org.rules import within
from crm_core.org.schemas import (
    DataScopeRead,
    PermissionActionRead,
    PermissionCatalogRead,
    PermissionResourceRead,
    RoleCreate,
    RoleRead,
    RoleUpdate,
)
from crm_core.org.service._common import snapshot
from crm_core.permissions import ACTION_LABELS, ALL, RESOURCES, Principal, all_permissions

FIELDS = ("code", "name", "description", "permissions", "data_scope")


def _check_permissions(permissions: list[str]) -> list[str]:
    known = set(all_permissions()) | {ALL}
    for permission in permissions:
        if permission not in known:
            raise UnknownPermissionError(permission=permission)
    return sorted(set(permissions))


async def list_roles() -> list[RoleRead]:
    return [RoleRead.model_validate(role) for role in await Role.all().order_by("id")]


async def assignable_roles(principal: Principal) -> list[RoleRead]:
    """Roles the principal may hand out: none that grants more than they hold."""
    return [
        role
        for role in await list_roles()
        if within(
            principal.permissions, principal.data_scope, [(role.permissions, role.data_scope)]
        )
    ]


async def get_role(role_id: int) -> Role:
    role = await Role.get_or_none(id=role_id)
    if role is None:
        raise RoleNotFoundError()
    return role


async def create_role(principal: Principal, data: RoleCreate) -> RoleRead:
    values = data.model_dump()
    values["permissions"] = _check_permissions(data.permissions)
    try:
        async with unit_of_work():
            role = await Role.create(**values)
            await audit.record(
                actor_of(principal),
                "role.create",
                target_type="role",
                target_id=role.id,
                after=snapshot(role, FIELDS),
            )
    except IntegrityError as error:
        raise DuplicateRoleCodeError(code=data.code) from error
    return RoleRead.model_validate(role)


async def update_role(principal: Principal, role_id: int, data: RoleUpdate) -> RoleRead:
    role = await get_role(role_id)
    before = snapshot(role, FIELDS)
    if role.code == "admin" and (data.permissions is not None or data.data_scope is not None):
        raise BuiltinRoleError()
    changes = data.model_dump(exclude_none=True)
    if data.permissions is not None:
        changes["permissions"] = _check_permissions(data.permissions)
    role.update_from_dict(changes)
    async with unit_of_work():
        await role.save()
        old, new = audit.changes(before, snapshot(role, FIELDS))
        # Permission changes are sensitive: they are always audited with before and after.
        await audit.record(
            actor_of(principal),
            "role.update",
            target_type="role",
            target_id=role.id,
            before=old,
            after=new,
        )
    return RoleRead.model_validate(role)


async def delete_role(principal: Principal, role_id: int) -> None:
    role = await get_role(role_id)
    if role.builtin:
        raise BuiltinRoleError()
    count = await repository.count_staff_with_role(role.id)
    if count:
        raise RoleInUseError(count=count)
    async with unit_of_work():
        await role.delete()
        await audit.record(
            actor_of(principal),
            "role.delete",
            target_type="role",
            target_id=role_id,
            before=snapshot(role, FIELDS),
        )


async def _translate_description(role: Role) -> bool:
    from crm_core.org.rules import LEGACY_DESCRIPTIONS

    if role.description not in LEGACY_DESCRIPTIONS:
        return False  # edited by someone since: theirs to keep
    before = {"description": role.description}
    role.description = LEGACY_DESCRIPTIONS[role.description]
    await role.save(update_fields=["description"])
    await audit.record(
        audit.SYSTEM,
        "role.description_translated",
        target_type="role",
        target_id=role.id,
        before=before,
        after={"description": role.description},
    )
    return True


async def ensure_builtin_roles() -> int:
    """Create missing built-in roles and offer them new default permissions (idempotent);
    returns how many roles were created or changed."""
    from crm_core.org.rules import BUILTIN_ROLES

    changed = 0
    for code, (name, description, permissions, scope) in BUILTIN_ROLES.items():
        role, created = await Role.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "builtin": True,
                "permissions": sorted(permissions),
                "data_scope": scope,
                "offered_defaults": sorted(permissions),
            },
        )
        translated = not created and await _translate_description(role)
        new = [p for p in permissions if p not in role.offered_defaults]
        if not created and new:
            before = snapshot(role, FIELDS)
            role.permissions = sorted({*role.permissions, *new})
            role.offered_defaults = sorted({*role.offered_defaults, *new})
            await role.save(update_fields=["permissions", "offered_defaults"])
            await audit.record(
                audit.SYSTEM,
                "role.defaults_added",
                target_type="role",
                target_id=role.id,
                before=before,
                after=snapshot(role, FIELDS),
            )
        changed += created or bool(new) or translated
    return changed


SCOPE_LABELS = {
    DataScope.OWN: "仅本人",
    DataScope.DEPARTMENT: "本部门",
    DataScope.SUBTREE: "本部门及下级",
    DataScope.ALL: "全部",
}


def permission_catalog() -> PermissionCatalogRead:
    """What a role may hold: every registered resource with its actions, and the data scopes."""
    resources = [
        PermissionResourceRead(
            code=r.code,
            label=r.label_zh,
            label_en=r.label_en,
            group=r.group_zh,
            group_en=r.group_en,
            actions=[
                PermissionActionRead(
                    permission=f"{r.code}:{a.value}",
                    action=a.value,
                    label=ACTION_LABELS[a][0],
                    label_en=ACTION_LABELS[a][1],
                )
                for a in r.actions
            ],
        )
        for r in RESOURCES.values()
    ]
    scopes = [DataScopeRead(code=s.value, label=label) for s, label in SCOPE_LABELS.items()]
    return PermissionCatalogRead(resources=resources, data_scopes=scopes)
