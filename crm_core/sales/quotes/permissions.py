"""Function permissions of quotes; imported by crm_core.sales.quotes.api so they register once.

sales.quote:export prints (PDF, Excel); sales.quote_template:edit changes the print template.
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "sales.quote",
        "报价单",
        "Quotes",
        "销售",
        "Sales",
        (Action.VIEW, Action.CREATE, Action.EDIT, Action.EXPORT),
    )
)
register_resource(
    Resource(
        "sales.quote_template",
        "报价单模板",
        "Quote print template",
        "销售",
        "Sales",
        (Action.VIEW, Action.EDIT),
    )
)
