"""Function permissions of campaigns; imported by campaigns.api so they register once."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "campaigns.segment",
        "人群",
        "Segments",
        "营销活动",
        "Campaigns",
        (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE),
    )
)
