"""The public pool's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    group = ("客户管理", "Customers")
    add_nav(NavItem(*group, "公海", "Public pool", "/admin/pool", "customers.pool:view", "Box"))
    add_nav(
        NavItem(
            *group,
            "公海规则",
            "Pool rules",
            "/admin/pool/rules",
            "customers.pool_rule:view",
            "Setting",
        )
    )
