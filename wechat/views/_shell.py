"""What every channel page shares: templates, navigation, the permission check."""

from pathlib import Path
from typing import Annotated

from fastapi import Depends

import wechat.permissions  # noqa: F401 - registers the channel's resources
from crm_core.permissions import Principal
from crm_core.web.console import add_template_dir, console_principal
from crm_core.web.nav import NavItem, add_nav

Console = Annotated[Principal, Depends(console_principal)]
add_template_dir(Path(__file__).resolve().parent.parent / "templates")
for _label, _en, _href, _permission, _icon in (
    ("公众号", "Accounts", "/admin/wechat/accounts", "wechat.account:view", "ChatDotRound"),
    ("渠道二维码", "QR codes", "/admin/wechat/qrcodes", "wechat.qrcode:view", "Grid"),
    ("粉丝", "Fans", "/admin/wechat/fans", "wechat.fan:view", "Star"),
    ("粉丝画像", "Portrait", "/admin/wechat/portrait", "wechat.fan:view", "PieChart"),
    ("消息列表", "Inbox", "/admin/wechat/inbox", "wechat.inbox:view", "ChatLineRound"),
    ("自动回复", "Auto-replies", "/admin/wechat/replies", "wechat.autoreply:view", "ChatDotSquare"),
    ("自定义菜单", "Menus", "/admin/wechat/menus", "wechat.menu:view", "Menu"),
):
    add_nav(NavItem("微信公众号", "WeChat", _label, _en, _href, _permission, _icon))
