"""Function permissions of sales; imported by crm_core.sales.api so they register once."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "sales.order",
        "销售订单",
        "Sales orders",
        "销售",
        "Sales",
        (Action.VIEW, Action.CREATE, Action.EDIT),
    )
)
