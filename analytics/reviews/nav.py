"""The reviews' console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    for label, label_en, path, permission, icon in (
        ("评价管理", "Reviews", "/admin/reviews", "analytics.review:view", "ChatDotRound"),
        (
            "评价词云",
            "Review word cloud",
            "/admin/review-cloud",
            "analytics.review:view",
            "DataAnalysis",
        ),
        (
            "分词词典",
            "Segmentation words",
            "/admin/review-words",
            "analytics.review:edit",
            "Document",
        ),
    ):
        add_nav(NavItem("数据分析", "Analytics", label, label_en, path, permission, icon))
