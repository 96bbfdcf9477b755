"""Function permissions of the SMS channel; imported by sms_gateway.api so they register once."""

from crm_core.permissions import Action, Resource, register_resource

_GROUP = ("短信", "SMS")

for _resource in (
    Resource("sms.message", "短信记录", "SMS messages", *_GROUP, (Action.VIEW, Action.CREATE)),
    Resource("sms.modem", "短信模块", "Modems", *_GROUP, (Action.VIEW, Action.EDIT)),
    Resource("sms.inbox", "短信收件箱", "SMS inbox", *_GROUP, (Action.VIEW,)),
    Resource(
        "sms.suppression",
        "退订名单",
        "Opt-outs",
        *_GROUP,
        (Action.VIEW, Action.CREATE, Action.DELETE),
    ),
    Resource(
        "sms.template",
        "短信模板",
        "SMS templates",
        *_GROUP,
        (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE),
    ),
    Resource("sms.code", "短信验证码", "Verification codes", *_GROUP, (Action.CREATE,)),
    Resource("sms.call", "来电弹屏", "Incoming calls", *_GROUP, (Action.VIEW,)),
):
    register_resource(_resource)
