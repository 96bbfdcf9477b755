"""The campaigns package's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
    ("人群", "Segments", "/admin/campaigns/segments", "campaigns.segment:view", "PieChart"),
    ("群发活动", "Mass campaigns", "/admin/campaigns/mass", "campaigns.campaign:view", "Promotion"),
    ("关怀消息", "Care messages", "/admin/care/settings", "campaigns.care:view", "Bell"),
    ("发送记录", "Deliveries", "/admin/care/deliveries", "campaigns.delivery:view", "Tickets"),
)


def register() -> None:
    for label, en, href, permission, icon in ENTRIES:
        add_nav(NavItem("营销活动", "Campaigns", label, en, href, permission, icon))
