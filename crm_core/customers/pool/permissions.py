"""Function permissions of the public pool; imported by its api so they register once.

customers.pool:edit claims pool customers; :assign hands them out (batch) and runs the sweep now;
:delete trashes and restores them. customers.pool_rule:edit changes the brand-wide rules.
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "customers.pool",
        "公海",
        "Public pool",
        "客户管理",
        "Customers",
        (Action.VIEW, Action.EDIT, Action.ASSIGN, Action.DELETE),
    )
)
register_resource(
    Resource(
        "customers.pool_rule",
        "公海规则",
        "Public pool rules",
        "客户管理",
        "Customers",
        (Action.VIEW, Action.EDIT),
    )
)
