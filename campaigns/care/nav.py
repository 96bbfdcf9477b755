"""Console menu entries of care messages (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
    ("关怀消息", "Care messages", "/admin/care/settings", "campaigns.care:view", "Bell"),
    ("发送记录", "Deliveries", "/admin/care/deliveries", "campaigns.delivery:view", "Tickets"),
)


def register() -> None:
    for label, en, href, permission, icon in ENTRIES:
        add_nav(NavItem("营销活动", "Campaigns", label, en, href, permission, icon))
