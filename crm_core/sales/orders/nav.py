"""The B2B orders' console menu entry (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem("销售", "Sales", "订单", "Orders", "/admin/orders", "sales.b2b_order:view", "Van")
    )
