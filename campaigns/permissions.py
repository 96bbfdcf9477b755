"""Function permissions of campaigns; imported by the api modules so they register once."""

from crm_core.permissions import Action, Resource, register_resource

_GROUP = ("营销活动", "Campaigns")
_CRUD = (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)

for _resource in (
    Resource("campaigns.segment", "人群", "Segments", *_GROUP, _CRUD),
    Resource("campaigns.care", "关怀消息", "Care messages", *_GROUP, (Action.VIEW, Action.EDIT)),
    Resource("campaigns.delivery", "发送记录", "Deliveries", *_GROUP, (Action.VIEW,)),
    Resource("campaigns.campaign", "群发活动", "Mass campaigns", *_GROUP, (*_CRUD, Action.SEND)),
):
    register_resource(_resource)
