"""Pure rules of B2B orders: what is left to order or to deliver, and the delivery status."""

from collections.abc import Iterable

from crm_core.sales.orders.models import ContractOrderStatus

ORDER_PREFIX = "DD"
DELIVERY_PREFIX = "FH"
LABELS = {
    ContractOrderStatus.REVIEWING: "审核中",
    ContractOrderStatus.REJECTED: "已驳回",
    ContractOrderStatus.TO_DELIVER: "待发货",
    ContractOrderStatus.PARTIAL: "部分发货",
    ContractOrderStatus.DELIVERED: "已发货",
}
DELIVERABLE = frozenset({ContractOrderStatus.TO_DELIVER, ContractOrderStatus.PARTIAL})


def delivery_status(lines: Iterable[tuple[int, int]]) -> ContractOrderStatus:
    """From (ordered, delivered) per line: nothing sent, some sent, or all sent."""
    pairs = list(lines)
    if all(delivered == 0 for _, delivered in pairs):
        return ContractOrderStatus.TO_DELIVER
    if all(delivered >= ordered for ordered, delivered in pairs):
        return ContractOrderStatus.DELIVERED
    return ContractOrderStatus.PARTIAL


def first_duplicate(ids: list[int]) -> int | None:
    """The index of the first id seen before, if any."""
    seen: set[int] = set()
    for index, value in enumerate(ids):
        if value in seen:
            return index
        seen.add(value)
    return None
