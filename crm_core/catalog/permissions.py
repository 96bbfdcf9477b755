"""Function permissions of the catalogue; imported by crm_core.catalog.api so they register once.

catalog.product covers products and their SKUs; catalog.setting the category tree, the custom
field definitions and the till code map, which shape every product and so stay with admins.
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "catalog.product",
        "产品",
        "Products",
        "产品管理",
        "Catalogue",
        (Action.VIEW, Action.CREATE, Action.EDIT),
    )
)
register_resource(
    Resource(
        "catalog.setting",
        "产品分类与字段",
        "Categories and product fields",
        "产品管理",
        "Catalogue",
        (Action.VIEW, Action.EDIT),
    )
)
