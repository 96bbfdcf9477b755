"""Customer analysis menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

_GROUP = ("数据分析", "Analytics")


def register() -> None:
    for label, en, href, icon in (
        ("客户价值", "Customer value (RFM)", "/admin/analytics/rfm", "PieChart"),
        ("流失分析", "Churn", "/admin/analytics/churn", "TrendCharts"),
        ("获客分析", "Acquisition", "/admin/analytics/acquisition", "DataAnalysis"),
    ):
        add_nav(NavItem(*_GROUP, label, en, href, "analytics.customer:view", icon))
