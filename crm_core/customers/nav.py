"""The customers' console menu entry (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "客户管理",
            "Customers",
            "客户",
            "Customers",
            "/admin/customers",
            "customers.customer:view",
            "Avatar",
        )
    )
