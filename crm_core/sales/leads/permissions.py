"""Function permissions of leads; imported by the api module so they register once."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "sales.lead",
        "线索",
        "Leads",
        "客户管理",
        "Customers",
        (Action.VIEW, Action.CREATE, Action.EDIT),
    )
)
