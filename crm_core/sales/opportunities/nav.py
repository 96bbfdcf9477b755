"""The opportunities' console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    for label_zh, label_en, path, permission, icon in (
        ("商机", "Opportunities", "/admin/opportunities", "sales.opportunity:view", "Coin"),
        (
            "商机看板",
            "Pipeline board",
            "/admin/opportunities/board",
            "sales.opportunity:view",
            "Grid",
        ),
        (
            "销售漏斗与预测",
            "Funnel and forecast",
            "/admin/opportunities/reports",
            "sales.opportunity:view",
            "DataAnalysis",
        ),
        (
            "商机阶段",
            "Opportunity stages",
            "/admin/opportunities/stages",
            "sales.opportunity:view",  # read-only without sales.pipeline:edit
            "Setting",
        ),
    ):
        add_nav(NavItem("客户管理", "Customers", label_zh, label_en, path, permission, icon))
