"""Function permissions of B2B orders; imported by crm_core.sales.orders.api so they register
once. (sales.order is the retail till order.) sales.b2b_order:create draws an order from a
contract; sales.delivery:create writes 发货单."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "sales.b2b_order",
        "合同订单",
        "Contract orders",
        "销售",
        "Sales",
        (Action.VIEW, Action.CREATE),
    )
)
register_resource(
    Resource(
        "sales.delivery",
        "发货单",
        "Delivery notes",
        "销售",
        "Sales",
        (Action.VIEW, Action.CREATE),
    )
)
