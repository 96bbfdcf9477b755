"""The SMS channel's console menu (served by /api/v1/me); imported by sms_gateway.api."""

from crm_core.web.nav import NavItem, add_nav

for _label, _en, _href, _permission, _icon in (
    ("短信模块", "Modems", "modems", "sms.modem:view", "Cellphone"),
    ("短信记录", "Messages", "messages", "sms.message:view", "Message"),
    ("收件箱", "Inbox", "inbox", "sms.inbox:view", "MessageBox"),
    ("退订名单", "Opt-outs", "suppressions", "sms.suppression:view", "CircleClose"),
    ("短信模板", "Templates", "templates", "sms.template:view", "Tickets"),
    ("来电记录", "Calls", "calls", "sms.call:view", "PhoneFilled"),
):
    add_nav(NavItem("短信", "SMS", _label, _en, f"/admin/sms/{_href}", _permission, _icon))
