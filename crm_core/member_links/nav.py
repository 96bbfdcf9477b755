"""Member links' permissions and console entry (registered by scrm/ at start-up)."""

from crm_core.member_links import permissions
from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    permissions.register()
    add_nav(
        NavItem(
            "客户管理",
            "Customers",
            "关联冲突",
            "Link conflicts",
            "/admin/customers/member-conflicts",
            "customers.member_link:view",
            "Connection",
        )
    )
