"""Sales use cases: record orders and refunds from tills, idempotent on the till's numbers."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from crm_core import audit, clock, jobs
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org.service.stores import get_store
from crm_core.permissions import Principal
from crm_core.sales.errors import (
    DuplicateOrderError,
    DuplicateRefundError,
    MemberNotFoundError,
    OrderNotFoundError,
    RefundExceedsOrderError,
)
from crm_core.sales.models import OrderStatus, SalesOrder, SalesOrderLine, SalesRefund
from crm_core.sales.schemas import (
    LastOrder,
    OrderCreate,
    OrderLineRead,
    OrderRead,
    PurchaseSummary,
    RefundCreate,
    RefundRead,
)

# Members sit above the kernel: the composition root tells sales who may see which member.
MemberCheck = Callable[[Principal, int], Awaitable[bool]]
_member_check: list[MemberCheck] = []


def set_member_check(check: MemberCheck) -> None:
    _member_check[:] = [check]


async def _check_member(principal: Principal, member_id: int | None) -> None:
    """The order credits its member's points: a member out of scope is refused exactly like a
    missing one, before anything is written."""
    if member_id is None:
        return
    if not _member_check:
        raise RuntimeError("sales.set_member_check() was not called at start-up")
    if not await _member_check[0](principal, member_id):
        raise MemberNotFoundError()


def _hash(values: dict[str, Any]) -> str:
    canonical = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _read(order: SalesOrder) -> OrderRead:
    lines = await SalesOrderLine.filter(order_id=order.id).order_by("id")
    return _plain(order, [OrderLineRead.model_validate(line) for line in lines])


def _plain(order: SalesOrder, lines: list[OrderLineRead]) -> OrderRead:
    return OrderRead(
        id=order.id,
        order_no=order.order_no,
        store_id=order.store_id,
        member_id=order.member_id,
        total_fen=order.total_fen,
        refunded_fen=order.refunded_fen,
        status=order.status,
        paid_at=order.paid_at,
        lines=lines,
    )


async def record_order(principal: Principal, data: OrderCreate) -> tuple[OrderRead, bool]:
    """Returns (order, created). A till retry with the same content gets the first order back."""
    await get_store(principal, data.store_id)
    await _check_member(principal, data.member_id)
    digest = _hash(data.model_dump(mode="json"))
    existing = await SalesOrder.get_or_none(store_id=data.store_id, order_no=data.order_no)
    if existing is None:
        try:
            async with unit_of_work():
                existing = await SalesOrder.create(
                    store_id=data.store_id,
                    order_no=data.order_no,
                    member_id=data.member_id,
                    total_fen=sum(li.quantity * li.unit_price_fen for li in data.lines),
                    paid_at=data.paid_at,
                    request_hash=digest,
                    created_at=clock.utc_now(),
                )
                await SalesOrderLine.bulk_create(
                    [
                        SalesOrderLine(
                            order_id=existing.id,
                            product_code=li.product_code,
                            product_name=li.product_name,
                            quantity=li.quantity,
                            unit_price_fen=li.unit_price_fen,
                            amount_fen=li.quantity * li.unit_price_fen,
                        )
                        for li in data.lines
                    ]
                )
                await audit.record(
                    actor_of(principal),
                    "sales.order_recorded",
                    target_type="sales_order",
                    target_id=existing.id,
                    after={
                        "store_id": data.store_id,
                        "order_no": data.order_no,
                        "member_id": data.member_id,
                        "total_fen": existing.total_fen,
                    },
                )
                jobs.enqueue("loyalty.award_purchase_points", order_id=existing.id)
                jobs.enqueue("campaigns.on_purchase_recorded", order_id=existing.id)
            return await _read(existing), True
        except IntegrityError:
            existing = await SalesOrder.get(store_id=data.store_id, order_no=data.order_no)
    if existing.request_hash != digest:
        raise DuplicateOrderError(order_no=data.order_no)
    # The first publish may have been lost with its process; the award is idempotent.
    jobs.enqueue("loyalty.award_purchase_points", order_id=existing.id)
    return await _read(existing), False


async def get_order(principal: Principal, order_id: int) -> OrderRead:
    order = await SalesOrder.get_or_none(id=order_id)
    if order is None:
        raise OrderNotFoundError()
    await get_store(principal, order.store_id)
    return await _read(order)


async def record_refund(
    principal: Principal, order_id: int, data: RefundCreate
) -> tuple[RefundRead, bool]:
    await get_order(principal, order_id)
    digest = _hash({"order_id": order_id, **data.model_dump(mode="json")})
    async with unit_of_work():
        order = await SalesOrder.select_for_update().get(id=order_id)
        existing = await SalesRefund.get_or_none(order_id=order_id, refund_no=data.refund_no)
        if existing is not None:
            if existing.request_hash != digest:
                raise DuplicateRefundError(refund_no=data.refund_no)
            return RefundRead.model_validate(existing), False
        refundable = order.total_fen - order.refunded_fen
        if data.amount_fen > refundable:
            raise RefundExceedsOrderError(refundable=refundable)
        status = (
            OrderStatus.REFUNDED if data.amount_fen == refundable else OrderStatus.PARTLY_REFUNDED
        )
        await SalesOrder.filter(id=order_id).update(
            refunded_fen=order.refunded_fen + data.amount_fen, status=status
        )
        refund = await SalesRefund.create(
            order_id=order_id,
            refund_no=data.refund_no,
            amount_fen=data.amount_fen,
            refunded_at=data.refunded_at,
            request_hash=digest,
            created_at=clock.utc_now(),
        )
        await audit.record(
            actor_of(principal),
            "sales.refund_recorded",
            target_type="sales_order",
            target_id=order_id,
            before={"refunded_fen": order.refunded_fen},
            after={
                "refund_id": refund.id,
                "refund_no": data.refund_no,
                "amount_fen": data.amount_fen,
                "refunded_fen": order.refunded_fen + data.amount_fen,
            },
        )
        jobs.enqueue("loyalty.reverse_purchase_points", refund_id=refund.id)
    return RefundRead.model_validate(refund), True


async def order_by_id(order_id: int) -> OrderRead | None:
    """For workers: no principal, no data scope."""
    order = await SalesOrder.get_or_none(id=order_id)
    return None if order is None else _plain(order, [])


async def refund_by_id(refund_id: int) -> RefundRead | None:
    refund = await SalesRefund.get_or_none(id=refund_id)
    return None if refund is None else RefundRead.model_validate(refund)


async def refunded_up_to(order_id: int, refund_id: int) -> int:
    """Fen refunded on an order by this refund and the ones recorded before it."""
    amounts = await SalesRefund.filter(order_id=order_id, id__lte=refund_id).values_list(
        "amount_fen", flat=True
    )
    return sum(int(str(a)) for a in amounts)


async def spend_since(member_id: int, since: datetime) -> int:
    """Net spend (paid minus refunded) of a member's orders paid since a moment, in fen."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT coalesce(sum(total_fen - refunded_fen), 0) AS spend FROM sales_order "
        "WHERE member_id = $1 AND paid_at >= $2",
        [member_id, since],
    )
    return int(rows[0]["spend"])


async def orders_of_member(member_id: int, *, limit: int = 50) -> list[tuple[OrderRead, str]]:
    """A member's own purchases (member center), newest first, with each store's name."""
    orders = await (
        SalesOrder.filter(member_id=member_id)
        .order_by("-paid_at", "-id")
        .limit(limit)
        .prefetch_related("lines", "store")
    )
    return [
        (
            _plain(
                o,
                [
                    OrderLineRead.model_validate(line)
                    for line in sorted(o.lines, key=lambda line: line.id)
                ],
            ),
            o.store.name,
        )
        for o in orders
    ]


async def purchase_summary(member_id: int) -> PurchaseSummary:
    """No data scope: callers decide who may see it (the caller ID card of sms.call:view)."""
    connection = connections.get("default")
    totals = (
        await connection.execute_query_dict(
            "SELECT count(*) AS orders, coalesce(sum(total_fen), 0) AS paid, "
            "coalesce(sum(refunded_fen), 0) AS refunded, (SELECT count(*) FROM sales_refund r "
            "JOIN sales_order o ON o.id = r.order_id WHERE o.member_id = $1) AS refunds "
            "FROM sales_order WHERE member_id = $1",
            [member_id],
        )
    )[0]
    last = await (
        SalesOrder.filter(member_id=member_id)
        .order_by("-paid_at", "-id")
        .select_related("store")
        .first()
    )
    return PurchaseSummary(
        order_count=int(totals["orders"]),
        paid_fen=int(totals["paid"]),
        refunded_fen=int(totals["refunded"]),
        refund_count=int(totals["refunds"]),
        last_order=None
        if last is None
        else LastOrder(
            id=last.id,
            order_no=last.order_no,
            store_id=last.store_id,
            store_name=last.store.name,
            total_fen=last.total_fen,
            paid_at=last.paid_at,
        ),
    )
