"""Function permissions: resources × actions, and the principal that carries them.

A permission is "resource:action", e.g. "org.staff:create". The role editor and the navigation both
read RESOURCES; upper packages add theirs with `register_resource()` from the composition root.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"
    ASSIGN = "assign"
    SEND = "send"
    REPLY = "reply"


ACTION_LABELS = {
    Action.VIEW: ("查看", "View"),
    Action.CREATE: ("新建", "Create"),
    Action.EDIT: ("编辑", "Edit"),
    Action.DELETE: ("删除", "Delete"),
    Action.EXPORT: ("导出", "Export"),
    Action.ASSIGN: ("分配", "Assign"),
    Action.SEND: ("发送", "Send"),
    Action.REPLY: ("回复", "Reply"),
}


@dataclass(frozen=True)
class Resource:
    code: str
    label_zh: str
    label_en: str
    group_zh: str
    group_en: str
    actions: tuple[Action, ...]


ALL = "*"
_CRUD = (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
RESOURCES: dict[str, Resource] = {}


def register_resource(resource: Resource) -> None:
    RESOURCES[resource.code] = resource


for _resource in (
    Resource("org.department", "部门", "Departments", "组织架构", "Organisation", _CRUD),
    Resource("org.position", "岗位", "Positions", "组织架构", "Organisation", _CRUD),
    Resource(
        "org.staff",
        "员工",
        "Staff",
        "组织架构",
        "Organisation",
        (*_CRUD, Action.EXPORT, Action.ASSIGN),
    ),
    Resource(
        "org.role", "角色与权限", "Roles", "组织架构", "Organisation", (*_CRUD, Action.ASSIGN)
    ),
    Resource(
        "org.store",
        "门店",
        "Stores",
        "门店与导购",
        "Stores",
        (*_CRUD, Action.EXPORT, Action.ASSIGN),
    ),
    Resource(
        "system.audit", "审计日志", "Audit log", "系统", "System", (Action.VIEW, Action.EXPORT)
    ),
):
    register_resource(_resource)


def all_permissions() -> list[str]:
    return [f"{r.code}:{a}" for r in RESOURCES.values() for a in r.actions]


@dataclass(frozen=True)
class Principal:
    """The authenticated staff member, with permissions and data scope resolved at login time."""

    staff_id: int
    username: str
    name: str
    department_id: int | None
    store_id: int | None
    permissions: frozenset[str]
    data_scope: str
    # Departments visible under the data scope; None means every department.
    department_ids: frozenset[int] | None = field(default=None)
    ip: str = ""
    user_agent: str = ""

    def can(self, permission: str) -> bool:
        return ALL in self.permissions or permission in self.permissions

    def can_view(self, resource: str) -> bool:
        return self.can(f"{resource}:view")
