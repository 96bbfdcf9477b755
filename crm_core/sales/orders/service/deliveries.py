"""Delivery notes (发货单): partial deliveries per order line, never more than ordered. The
order's row lock serialises concurrent notes, so of two notes that together exceed a line
exactly one is written; the table's check constraint is the last line of defence."""

from tortoise.expressions import F

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from crm_core.sales.contracts.service import numbers
from crm_core.sales.orders import rules
from crm_core.sales.orders.errors import (
    DeliveryExceedsOrderError,
    DeliveryLineInvalidError,
    OrderNotDeliverableError,
)
from crm_core.sales.orders.models import (
    ContractOrder,
    ContractOrderLine,
    DeliveryLine,
    DeliveryNote,
)
from crm_core.sales.orders.schemas import ContractOrderRead, DeliveryNoteCreate
from crm_core.sales.orders.service.orders import get_order, order_in_scope


async def create_delivery(
    principal: Principal, order_id: int, data: DeliveryNoteCreate
) -> ContractOrderRead:
    wanted = [line.order_line_id for line in data.lines]
    duplicate = rules.first_duplicate(wanted)
    if duplicate is not None:
        raise DeliveryLineInvalidError(row=duplicate + 1, field=f"lines.{duplicate}.order_line_id")
    async with unit_of_work():
        order = await order_in_scope(principal, order_id, lock=True)
        if order.status not in rules.DELIVERABLE:
            raise OrderNotDeliverableError(status=rules.LABELS[order.status])
        lines = {li.id: li for li in await ContractOrderLine.filter(order_id=order.id)}
        for row, given in enumerate(data.lines):
            line = lines.get(given.order_line_id)
            if line is None:
                raise DeliveryLineInvalidError(row=row + 1, field=f"lines.{row}.order_line_id")
            remaining = line.quantity - line.delivered_quantity
            if given.quantity > remaining:
                raise DeliveryExceedsOrderError(
                    row=row + 1,
                    product=line.product_name,
                    remaining=remaining,
                    field=f"lines.{row}.quantity",
                )
        note = await DeliveryNote.create(
            number=await numbers.draw(rules.DELIVERY_PREFIX),
            order_id=order.id,
            shipped_on=data.shipped_on,
            carrier=data.carrier,
            tracking_number=data.tracking_number,
            note=data.note,
            created_by_id=principal.staff_id,
            created_at=clock.utc_now(),
        )
        await DeliveryLine.bulk_create(
            [
                DeliveryLine(note_id=note.id, order_line_id=g.order_line_id, quantity=g.quantity)
                for g in data.lines
            ]
        )
        for given in data.lines:
            await ContractOrderLine.filter(id=given.order_line_id).update(
                delivered_quantity=F("delivered_quantity") + given.quantity
            )
        figures = await ContractOrderLine.filter(order_id=order.id).values_list(
            "quantity", "delivered_quantity"
        )
        status = rules.delivery_status([(int(q), int(d)) for q, d in figures])
        await ContractOrder.filter(id=order.id).update(status=status, updated_at=clock.utc_now())
        await audit.record(
            actor_of(principal),
            "sales.delivery_created",
            target_type="sales_contract_order",
            target_id=order.id,
            before={"status": order.status.value},
            after={
                "status": status.value,
                "delivery": note.number,
                "lines": [[g.order_line_id, g.quantity] for g in data.lines],
            },
        )
    return await get_order(principal, order_id)
