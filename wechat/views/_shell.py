"""What every channel page shares: templates, navigation, the permission check."""

from pathlib import Path
from typing import Annotated

from fastapi import Depends

import wechat.permissions  # noqa: F401 - registers the channel's resources
from crm_core.permissions import Principal
from crm_core.web.console import NavItem, add_nav, add_template_dir, console_principal

Console = Annotated[Principal, Depends(console_principal)]
add_template_dir(Path(__file__).resolve().parent.parent / "templates")
for _label, _en, _href, _permission in (
    ("公众号", "Accounts", "/admin/wechat/accounts", "wechat.account:view"),
    ("渠道二维码", "QR codes", "/admin/wechat/qrcodes", "wechat.qrcode:view"),
    ("粉丝", "Fans", "/admin/wechat/fans", "wechat.fan:view"),
    ("粉丝画像", "Portrait", "/admin/wechat/portrait", "wechat.fan:view"),
    ("消息列表", "Inbox", "/admin/wechat/inbox", "wechat.inbox:view"),
    ("自动回复", "Auto-replies", "/admin/wechat/replies", "wechat.autoreply:view"),
    ("自定义菜单", "Menus", "/admin/wechat/menus", "wechat.menu:view"),
):
    add_nav(NavItem("微信公众号", "WeChat", _label, _en, _href, _permission))
