"""Function permissions of customer analysis; imported by analytics.customers.api."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "analytics.customer",
        "客户分析",
        "Customer analysis",
        "数据分析",
        "Analytics",
        (Action.VIEW,),
    )
)
