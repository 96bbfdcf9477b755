"""The console's navigation registry, shared by the Jinja shell and the SPA's /api/v1/me.

Each package's register() adds its entries with `add_nav`; the order of registration is the
display order. Icons are Element Plus icon component names (@element-plus/icons-vue).
"""

from dataclasses import dataclass

from crm_core.permissions import Principal


@dataclass(frozen=True)
class NavItem:
    group_zh: str
    group_en: str
    label_zh: str
    label_en: str
    href: str
    permission: str | None
    icon: str = "Document"


# The dashboard has no group: a top-level entry, shown to every staff member.
DASHBOARD = NavItem("", "", "工作台", "Dashboard", "/admin", None, "House")
_ORG, _STORES, _SYSTEM = ("组织架构", "Organisation"), ("门店与导购", "Stores"), ("系统", "System")
NAV: list[NavItem] = [
    DASHBOARD,
    NavItem(
        *_ORG, "部门", "Departments", "/admin/departments", "org.department:view", "OfficeBuilding"
    ),
    NavItem(*_ORG, "岗位", "Positions", "/admin/positions", "org.position:view", "Suitcase"),
    NavItem(*_ORG, "员工", "Staff", "/admin/staff", "org.staff:view", "User"),
    NavItem(*_ORG, "角色与权限", "Roles", "/admin/roles", "org.role:view", "Lock"),
    NavItem(*_STORES, "门店", "Stores", "/admin/stores", "org.store:view", "Shop"),
    NavItem(*_STORES, "导购", "Guides", "/admin/guides", "org.staff:view", "Avatar"),
    NavItem(*_SYSTEM, "审计日志", "Audit log", "/admin/audit", "system.audit:view", "Document"),
]


def add_nav(item: NavItem) -> None:
    if item not in NAV:
        NAV.append(item)


def visible_nav(principal: Principal) -> list[NavItem]:
    """The entries the principal may open, in display order (the system group last)."""
    shown = [item for item in NAV if item.permission is None or principal.can(item.permission)]
    return sorted(shown, key=lambda item: item.group_en == "System")
