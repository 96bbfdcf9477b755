"""The WeChat channel's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
    ("公众号", "Accounts", "/admin/wechat/accounts", "wechat.account:view", "ChatDotRound"),
    ("渠道二维码", "QR codes", "/admin/wechat/qrcodes", "wechat.qrcode:view", "Grid"),
    ("粉丝", "Fans", "/admin/wechat/fans", "wechat.fan:view", "Star"),
    ("粉丝画像", "Portrait", "/admin/wechat/portrait", "wechat.fan:view", "PieChart"),
    ("消息列表", "Inbox", "/admin/wechat/inbox", "wechat.inbox:view", "ChatLineRound"),
    ("自动回复", "Auto-replies", "/admin/wechat/replies", "wechat.autoreply:view", "ChatDotSquare"),
    ("自定义菜单", "Menus", "/admin/wechat/menus", "wechat.menu:view", "Menu"),
    ("模板消息", "Templates", "/admin/wechat/templates", "wechat.template:view", "Document"),
)


def register() -> None:
    for label, en, href, permission, icon in ENTRIES:
        add_nav(NavItem("微信公众号", "WeChat", label, en, href, permission, icon))
