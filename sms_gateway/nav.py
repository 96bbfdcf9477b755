"""The SMS channel's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
    ("短信模块", "Modems", "modems", "sms.modem:view", "Cellphone"),
    ("短信记录", "Messages", "messages", "sms.message:view", "Message"),
    ("收件箱", "Inbox", "inbox", "sms.inbox:view", "MessageBox"),
    ("退订名单", "Suppressions", "suppressions", "sms.suppression:view", "CircleClose"),
    ("短信模板", "Templates", "templates", "sms.template:view", "Tickets"),
    ("来电记录", "Calls", "calls", "sms.call:view", "PhoneFilled"),
)


def register() -> None:
    for label, en, href, permission, icon in ENTRIES:
        add_nav(NavItem("短信", "SMS", label, en, f"/admin/sms/{href}", permission, icon))
