"""The quotes' console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem("销售", "Sales", "报价单", "Quotes", "/admin/quotes", "sales.quote:view", "Tickets")
    )
    add_nav(
        NavItem(
            "销售",
            "Sales",
            "报价单模板",
            "Quote template",
            "/admin/quote-template",
            "sales.quote_template:view",
            "Document",
        )
    )
