"""The approvals' console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "客户管理",
            "Customers",
            "审批中心",
            "Approvals",
            "/admin/approvals",
            "approvals.request:view",
            "Stamp",
        )
    )
    add_nav(
        NavItem(
            "客户管理",
            "Customers",
            "审批流程",
            "Approval flows",
            "/admin/approvals/flows",
            "approvals.flow:view",
            "SetUp",
        )
    )
