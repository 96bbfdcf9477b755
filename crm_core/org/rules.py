"""Pure rules of the organisation: built-in roles, data-scope arithmetic, tree checks."""

from collections.abc import Iterable, Mapping

from crm_core.org.models import DataScope
from crm_core.permissions import ALL

SCOPE_ORDER = [DataScope.OWN, DataScope.DEPARTMENT, DataScope.SUBTREE, DataScope.ALL]

_store_read = ["org.store:view", "org.department:view"]
BUILTIN_ROLES: dict[str, tuple[str, str, list[str], DataScope]] = {
    "admin": ("系统管理员", "Full access to every function and all data", [ALL], DataScope.ALL),
    "marketer": ("营销专员", "QR codes, menus, auto-replies, campaigns, lotteries",
                 [*_store_read, "org.staff:view"], DataScope.ALL),
    "store_manager": ("店长", "Runs one store and its guides",
                      [*_store_read, "org.store:edit", "org.staff:view", "org.staff:create",
                       "org.staff:edit", "org.staff:assign"], DataScope.SUBTREE),
    "guide": ("导购", "Captures and serves fans in a store", ["org.store:view"], DataScope.OWN),
    "sales_rep": ("销售代表", "Works own customers and deals", ["org.store:view"], DataScope.OWN),
    "sales_manager": ("销售经理", "Leads a sales team",
                      [*_store_read, "org.staff:view", "org.staff:export"], DataScope.SUBTREE),
    "service_agent": ("客服专员", "Answers members and service tickets",
                      ["org.store:view"], DataScope.DEPARTMENT),
    "finance": ("财务", "Payments, invoices and reports",
                [*_store_read, "org.store:export", "system.audit:view"], DataScope.ALL),
}


def widest_scope(scopes: Iterable[DataScope | str]) -> DataScope:
    ranked = [SCOPE_ORDER.index(DataScope(s)) for s in scopes]
    return SCOPE_ORDER[max(ranked)] if ranked else DataScope.OWN


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


def visible_departments(scope: DataScope, own: int | None,
                        parents: Mapping[int, int | None]) -> frozenset[int] | None:
    if scope == DataScope.ALL:
        return None
    if own is None:
        return frozenset()
    if scope == DataScope.SUBTREE:
        return frozenset(subtree(own, parents))
    return frozenset({own})


def would_create_cycle(node: int, new_parent: int | None,
                       parents: Mapping[int, int | None]) -> bool:
    return new_parent is not None and new_parent in subtree(node, parents)
