"""Function permissions of care messages and the delivery ledger; imported by the api modules."""

from crm_core.permissions import Action, Resource, register_resource

_GROUP = ("营销活动", "Campaigns")

for _resource in (
    Resource("campaigns.care", "关怀消息", "Care messages", *_GROUP, (Action.VIEW, Action.EDIT)),
    Resource("campaigns.delivery", "发送记录", "Deliveries", *_GROUP, (Action.VIEW,)),
):
    register_resource(_resource)
