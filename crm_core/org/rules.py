"""Pure rules of the organisation: built-in roles, data-scope arithmetic, tree checks."""

from collections.abc import Iterable, Mapping

from crm_core.org.models import DataScope
from crm_core.permissions import ALL

SCOPE_ORDER = [DataScope.OWN, DataScope.DEPARTMENT, DataScope.SUBTREE, DataScope.ALL]

_store_read = ["org.store:view", "org.department:view"]
# Upper packages register these resources (wechat/permissions.py, members/permissions.py).
_wechat_marketing = [
    "wechat.account:view",
    "wechat.qrcode:view",
    "wechat.qrcode:create",
    "wechat.qrcode:edit",
    "wechat.qrcode:delete",
    "wechat.qrcode:export",
    "wechat.fan:view",
    "wechat.fan:edit",
    "wechat.fan:export",
    "wechat.autoreply:view",
    "wechat.autoreply:create",
    "wechat.autoreply:edit",
    "wechat.autoreply:delete",
    "wechat.menu:view",
    "wechat.menu:create",
    "wechat.menu:edit",
    "wechat.menu:delete",
    "wechat.template:view",
    "wechat.template:edit",
    "wechat.inbox:view",
    "members.member:view",
    "members.member:edit",
]
# members.member:edit: member profiles, profile rewards, merging duplicate members.
_wechat_store = [
    "wechat.qrcode:view",
    "wechat.qrcode:create",
    "wechat.qrcode:export",
    "wechat.fan:view",
    "wechat.inbox:view",
    "wechat.inbox:create",
    "members.member:view",
    "members.member:edit",
]
_wechat_service = [
    "wechat.fan:view",
    "wechat.inbox:view",
    "wechat.inbox:create",
    "wechat.inbox:assign",
    "members.member:view",
    "members.member:edit",
]
_wechat_guide = ["wechat.qrcode:view", "wechat.fan:view", "members.member:view"]
# Loyalty (loyalty/permissions.py) and till orders (crm_core/sales/permissions.py).
_loyalty_marketing = [
    "members.center:view",
    "members.center:edit",
    "loyalty.points:view",
    "loyalty.program:view",
    "loyalty.program:edit",
    *(
        f"loyalty.{r}:{a}"
        for r in ("coupon", "lottery", "mall")
        for a in ("view", "create", "edit", "delete")
    ),
    "loyalty.coupon:assign",
    "loyalty.redpacket:view",
    "loyalty.redpacket:edit",
]
_loyalty_store = [
    "sales.order:view",
    "sales.order:create",
    "sales.order:edit",
    "loyalty.points:view",
    "loyalty.points:create",
    "loyalty.coupon:view",
    "loyalty.coupon:edit",
    "loyalty.coupon:assign",
    "loyalty.mall:view",
    "loyalty.mall:edit",
    "loyalty.lottery:view",
]
_loyalty_guide = ["loyalty.points:view", "loyalty.coupon:view", "loyalty.coupon:edit"]
_loyalty_service = [
    "loyalty.points:view",
    "loyalty.coupon:view",
    "loyalty.lottery:view",
    "loyalty.lottery:edit",
    "loyalty.mall:view",
    "loyalty.mall:edit",
    "loyalty.redpacket:view",
]
# sms_gateway/permissions.py
_sms_marketing = [
    "sms.message:view",
    "sms.message:create",
    "sms.modem:view",
    "sms.inbox:view",
    "sms.suppression:view",
    "sms.suppression:create",
    "sms.template:view",
    "sms.template:create",
    "sms.template:edit",
    "sms.template:delete",
]
# campaigns/care/permissions.py
_care_marketing = ["campaigns.care:view", "campaigns.care:edit", "campaigns.delivery:view"]
_sms_service = ["sms.message:view", "sms.inbox:view", "sms.call:view"]
# campaigns/permissions.py
_campaigns_marketing = [
    *(f"campaigns.segment:{a}" for a in ("view", "create", "edit", "delete")),
    *(f"campaigns.campaign:{a}" for a in ("view", "create", "edit", "delete", "send")),
    "catalog.product:view",  # segments by bought product category
]
# crm_core/customers/permissions.py: reps work their own customers; managers also hand them over.
_customers_rep = [f"customers.customer:{a}" for a in ("view", "create", "edit", "export")]
_customers_manager = [*_customers_rep, "customers.customer:assign"]
# crm_core/customers/pool/permissions.py: reps claim from the pool; managers hand out, trash,
# run the sweep and read the rules (editing them is the admin's: they are brand-wide).
_customers_rep += ["customers.pool:view", "customers.pool:edit"]
_customers_manager += [
    "customers.pool:view",
    "customers.pool:edit",
    "customers.pool:assign",
    "customers.pool:delete",
    "customers.pool_rule:view",
]
# crm_core/sales/leads and opportunities: reps and managers work leads and deals in their scope.
_sales_pipeline = [
    f"sales.{r}:{a}" for r in ("lead", "opportunity") for a in ("view", "create", "edit")
]
# crm_core/approvals/permissions.py: everyone in sales raises and decides approvals.
_approvals = ["approvals.request:view", "approvals.request:create"]
# crm_core/member_links/permissions.py: managers link members to customers and settle conflicts.
_customers_manager += ["customers.member_link:view", "customers.member_link:edit"]
# crm_core/catalog/permissions.py, crm_core/sales/quotes/permissions.py: reps quote from the
# catalogue and print their quotes; admins keep the catalogue and the print template.
_quotes_rep = [
    "catalog.product:view",
    *(f"sales.quote:{a}" for a in ("view", "create", "edit", "export")),
]
# crm_core/sales/contracts, crm_core/sales/orders: reps write contracts and draw orders from
# them; managers and directors also write delivery notes (发货单); finance reads all of it.
_contracts_rep = [
    *(f"sales.contract:{a}" for a in ("view", "create", "edit")),
    "sales.b2b_order:view",
    "sales.b2b_order:create",
    "sales.delivery:view",
]
_contracts_manager = [*_contracts_rep, "sales.delivery:create"]
_contracts_finance = ["sales.contract:view", "sales.b2b_order:view", "sales.delivery:view"]
# crm_core/payments/permissions.py: sales record their customers' receipts (回款) with proof;
# finance (出纳/财务) keeps the fund accounts, the journal, suppliers and payments, reviews
# receipts and reads the fund report. Nobody in sales moves money or sees the accounts.
_receipts_sales = ["payments.receipt:view", "payments.receipt:create"]
_cash_finance = [
    *(
        f"payments.{r}:{a}"
        for r in ("account", "receipt", "supplier", "payment")
        for a in ("view", "create", "edit")
    ),
    "payments.journal:view",
    "payments.journal:create",
    "payments.report:view",
    "payments.report:export",
    "customers.customer:view",
    *_approvals,
]
# analytics/reviews/permissions.py: stores read and answer their reviews; marketing also edits
# the segmentation dictionary behind the word clouds.
_reviews_store = ["analytics.review:view", "analytics.review:reply"]
_reviews_manage = [*_reviews_store, "analytics.review:edit"]

BUILTIN_ROLES: dict[str, tuple[str, str, list[str], DataScope]] = {
    "admin": ("系统管理员", "全部功能与全部数据", [ALL], DataScope.ALL),
    "marketer": (
        "营销专员",
        "二维码、菜单、自动回复、活动与抽奖",
        [
            *_store_read,
            "org.staff:view",
            *_wechat_marketing,
            *_sms_marketing,
            *_loyalty_marketing,
            *_campaigns_marketing,
            *_care_marketing,
            *_reviews_manage,
            "analytics.customer:view",
        ],
        DataScope.ALL,
    ),
    "store_manager": (
        "店长",
        "管理一家门店及其导购",
        [
            *_store_read,
            "org.store:edit",
            "org.staff:view",
            "org.staff:create",
            "org.staff:edit",
            "org.staff:assign",
            *_wechat_store,
            *_loyalty_store,
            *_reviews_store,
            "analytics.customer:view",
        ],
        DataScope.SUBTREE,
    ),
    "guide": (
        "导购",
        "在门店拉新并服务粉丝",
        ["org.store:view", *_wechat_guide, *_loyalty_guide],
        DataScope.OWN,
    ),
    "sales_rep": (
        "销售代表",
        "跟进本人的客户与商机",
        [
            "org.store:view",
            *_customers_rep,
            *_sales_pipeline,
            *_approvals,
            *_quotes_rep,
            *_contracts_rep,
            *_receipts_sales,
        ],
        DataScope.OWN,
    ),
    "sales_manager": (
        "销售经理",
        "带领销售团队",
        [
            *_store_read,
            "org.staff:view",
            "org.staff:export",
            *_customers_manager,
            *_sales_pipeline,
            *_approvals,
            *_quotes_rep,
            *_contracts_manager,
            *_receipts_sales,
            "analytics.customer:view",
        ],
        DataScope.SUBTREE,
    ),
    # The seed's second approval step (orders from 10,000 元): the sales director.
    "sales_director": (
        "销售总监",
        "审批大额单据，管理销售部门",
        [
            *_store_read,
            "org.staff:view",
            "org.staff:export",
            *_customers_manager,
            *_sales_pipeline,
            *_approvals,
            "approvals.flow:view",
            *_quotes_rep,
            *_contracts_manager,
            *_receipts_sales,
            "payments.report:view",
            "analytics.customer:view",
        ],
        DataScope.SUBTREE,
    ),
    "service_agent": (
        "客服专员",
        "答复会员消息与服务工单",
        ["org.store:view", *_wechat_service, *_sms_service, *_loyalty_service],
        DataScope.DEPARTMENT,
    ),
    "finance": (
        "财务",
        "收款、发票与报表",
        [
            *_store_read,
            "org.store:export",
            "system.audit:view",
            "sales.order:view",
            *_contracts_finance,
            "loyalty.points:view",
            *_cash_finance,
        ],
        DataScope.ALL,
    ),
}

# The English descriptions built-in roles were created with before they were translated;
# ensure_builtin_roles() replaces them where nobody has edited them since.
LEGACY_DESCRIPTIONS = {
    "Full access to every function and all data": "全部功能与全部数据",
    "QR codes, menus, auto-replies, campaigns, lotteries": "二维码、菜单、自动回复、活动与抽奖",
    "Runs one store and its guides": "管理一家门店及其导购",
    "Captures and serves fans in a store": "在门店拉新并服务粉丝",
    "Works own customers and deals": "跟进本人的客户与商机",
    "Leads a sales team": "带领销售团队",
    "Answers members and service tickets": "答复会员消息与服务工单",
    "Payments, invoices and reports": "收款、发票与报表",
}


def widest_scope(scopes: Iterable[DataScope | str]) -> DataScope:
    ranked = [SCOPE_ORDER.index(DataScope(s)) for s in scopes]
    return SCOPE_ORDER[max(ranked)] if ranked else DataScope.OWN


def within(
    permissions: frozenset[str], scope: DataScope | str, roles: Iterable[tuple[list[str], str]]
) -> bool:
    """Whether every permission and data scope of `roles` lies within `permissions` and `scope`:
    nobody hands out, or manages someone who holds, more than they hold themselves."""
    rank = SCOPE_ORDER.index(DataScope(scope))
    return all(
        SCOPE_ORDER.index(DataScope(role_scope)) <= rank
        and all(ALL in permissions or p in permissions for p in role_permissions)
        for role_permissions, role_scope in roles
    )


def subtree(root: int, parents: Mapping[int, int | None]) -> set[int]:
    """All department ids under root, root included."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(children.get(node, []))
    return found


def visible_departments(
    scope: DataScope, own: int | None, parents: Mapping[int, int | None]
) -> frozenset[int] | None:
    if scope == DataScope.ALL:
        return None
    if own is None:
        return frozenset()
    if scope == DataScope.SUBTREE:
        return frozenset(subtree(own, parents))
    return frozenset({own})


def would_create_cycle(
    node: int, new_parent: int | None, parents: Mapping[int, int | None]
) -> bool:
    return new_parent is not None and new_parent in subtree(node, parents)
