"""The leads' console menu entry (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "客户管理", "Customers", "线索", "Leads", "/admin/leads", "sales.lead:view", "Postcard"
        )
    )
