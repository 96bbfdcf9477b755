"""Function permissions of the WeChat channel; imported by wechat.api so they register once."""

from crm_core.permissions import Action, Resource, register_resource

_CRUD = (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
_GROUP = ("微信公众号", "WeChat")

for _resource in (
    Resource("wechat.account", "公众号", "Official accounts", *_GROUP, _CRUD),
    Resource("wechat.qrcode", "渠道二维码", "QR codes", *_GROUP, (*_CRUD, Action.EXPORT)),
    Resource(
        "wechat.fan",
        "粉丝",
        "Fans",
        *_GROUP,
        (Action.VIEW, Action.EDIT, Action.EXPORT, Action.ASSIGN),
    ),
    Resource("wechat.autoreply", "自动回复", "Auto-replies", *_GROUP, _CRUD),
    Resource("wechat.menu", "自定义菜单", "Menus", *_GROUP, _CRUD),
    Resource(
        "wechat.template", "模板消息", "Template messages", *_GROUP, (Action.VIEW, Action.EDIT)
    ),
    Resource(
        "wechat.inbox", "消息列表", "Inbox", *_GROUP, (Action.VIEW, Action.CREATE, Action.ASSIGN)
    ),
):
    register_resource(_resource)
