"""The catalogue's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav


def register() -> None:
    add_nav(
        NavItem(
            "产品管理",
            "Catalogue",
            "产品",
            "Products",
            "/admin/products",
            "catalog.product:view",
            "Goods",
        )
    )
    add_nav(
        NavItem(
            "产品管理",
            "Catalogue",
            "产品分类",
            "Categories",
            "/admin/product-categories",
            "catalog.setting:view",
            "Menu",
        )
    )
    add_nav(
        NavItem(
            "产品管理",
            "Catalogue",
            "收银编码映射",
            "Till codes",
            "/admin/till-codes",
            "catalog.setting:view",
            "Connection",
        )
    )
