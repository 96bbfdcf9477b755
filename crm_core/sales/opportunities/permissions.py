"""Function permissions of opportunities; imported by the api module so they register once.

sales.pipeline:edit changes the stage configuration and the list of lost reasons (admins).
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "sales.opportunity",
        "商机",
        "Opportunities",
        "客户管理",
        "Customers",
        (Action.VIEW, Action.CREATE, Action.EDIT),
    )
)
register_resource(
    Resource(
        "sales.pipeline",
        "商机阶段与输单原因",
        "Opportunity stages and lost reasons",
        "客户管理",
        "Customers",
        (Action.EDIT,),
    )
)
