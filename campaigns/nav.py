"""The campaigns package's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "营销活动",
            "Campaigns",
            "人群",
            "Segments",
            "/admin/campaigns/segments",
            "campaigns.segment:view",
            "PieChart",
        )
    )
