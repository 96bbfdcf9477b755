"""Pure rules of B2B orders: what is left to order or to deliver, and the delivery status."""

from collections.abc import Iterable

from crm_core.sales.orders.models import OrderStatus

ORDER_PREFIX = "DD"
DELIVERY_PREFIX = "FH"
LABELS = {
    OrderStatus.REVIEWING: "审核中",
    OrderStatus.REJECTED: "已驳回",
    OrderStatus.TO_DELIVER: "待发货",
    OrderStatus.PARTIAL: "部分发货",
    OrderStatus.DELIVERED: "已发货",
}
DELIVERABLE = frozenset({OrderStatus.TO_DELIVER, OrderStatus.PARTIAL})


def delivery_status(lines: Iterable[tuple[int, int]]) -> OrderStatus:
    """From (ordered, delivered) per line: nothing sent, some sent, or all sent."""
    pairs = list(lines)
    if all(delivered == 0 for _, delivered in pairs):
        return OrderStatus.TO_DELIVER
    if all(delivered >= ordered for ordered, delivered in pairs):
        return OrderStatus.DELIVERED
    return OrderStatus.PARTIAL


def first_duplicate(ids: list[int]) -> int | None:
    """The index of the first id seen before, if any."""
    seen: set[int] = set()
    for index, value in enumerate(ids):
        if value in seen:
            return index
        seen.add(value)
    return None
