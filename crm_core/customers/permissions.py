"""Function permissions of customers; imported by crm_core.customers.api so they register once.

customers.customer:assign transfers customers between reps; customers.phone:view shows every
customer's full phone number (without it, only the numbers of one's own customers).
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "customers.customer",
        "客户",
        "Customers",
        "客户管理",
        "Customers",
        (Action.VIEW, Action.CREATE, Action.EDIT, Action.EXPORT, Action.ASSIGN),
    )
)
register_resource(
    Resource(
        "customers.phone",
        "客户完整手机号",
        "Customers' full phone numbers",
        "客户管理",
        "Customers",
        (Action.VIEW,),
    )
)
