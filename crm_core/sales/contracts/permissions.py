"""Function permissions of contracts; imported by crm_core.sales.contracts.api so they register
once. Attachments are read with sales.contract:view and written with sales.contract:edit."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "sales.contract",
        "合同",
        "Contracts",
        "销售",
        "Sales",
        (Action.VIEW, Action.CREATE, Action.EDIT),
    )
)
