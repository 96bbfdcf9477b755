"""The contracts' console menu entry (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "销售", "Sales", "合同", "Contracts", "/admin/contracts", "sales.contract:view", "Files"
        )
    )
