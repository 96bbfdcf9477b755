"""创建订单 from a contract (seed 2.1.7): products within the contract's remaining quantities,
the contract, and the customer's payment proof; the order then goes straight to review
(approval kind "order"). Everything, the approval request included, is one transaction."""

from crm_core import audit, clock, storage
from crm_core.approvals.schemas import RequestCreate
from crm_core.approvals.service import requests as approval_requests
from crm_core.audit import actor_of
from crm_core.customers.models import Customer
from crm_core.customers.service.masking import shown_phone
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.permissions import Principal
from crm_core.sales.contracts import rules as contract_rules
from crm_core.sales.contracts.models import Contract, ContractLine
from crm_core.sales.contracts.service import numbers
from crm_core.sales.contracts.service.contracts import contract_in_scope
from crm_core.sales.orders import repository, rules
from crm_core.sales.orders.errors import (
    OrderContractNotOrderableError,
    OrderExceedsContractError,
    OrderLineInvalidError,
    OrderNotFoundError,
)
from crm_core.sales.orders.models import (
    ContractOrder,
    ContractOrderLine,
    ContractOrderStatus,
    DeliveryLine,
    DeliveryNote,
)
from crm_core.sales.orders.schemas import (
    ContractOrderCreate,
    ContractOrderLineRead,
    ContractOrderPage,
    ContractOrderRead,
    DeliveryNoteLineRead,
    DeliveryNoteRead,
    OrderableLine,
)
from crm_core.sales.quotes.rules import line_amount

KIND = "order"


async def _deliveries(order_ids: list[int]) -> dict[int, list[DeliveryNoteRead]]:
    notes = await DeliveryNote.filter(order_id__in=order_ids).order_by("id")
    lines = await DeliveryLine.filter(note_id__in=[n.id for n in notes]).order_by("id")
    products = dict(
        await ContractOrderLine.filter(order_id__in=order_ids).values_list("id", "product_name")
    )
    names = dict(
        await Staff.filter(id__in={n.created_by_id for n in notes}).values_list("id", "name")
    )
    by_note: dict[int, list[DeliveryNoteLineRead]] = {}
    for line in lines:
        by_note.setdefault(line.note_id, []).append(
            DeliveryNoteLineRead(
                order_line_id=line.order_line_id,
                product_name=products.get(line.order_line_id, ""),
                quantity=line.quantity,
            )
        )
    result: dict[int, list[DeliveryNoteRead]] = {}
    for n in notes:
        result.setdefault(n.order_id, []).append(
            DeliveryNoteRead(
                id=n.id,
                number=n.number,
                shipped_on=n.shipped_on,
                carrier=n.carrier,
                tracking_number=n.tracking_number,
                note=n.note,
                created_by_name=names.get(n.created_by_id, ""),
                created_at=n.created_at,
                lines=by_note.get(n.id, []),
            )
        )
    return result


async def _read_many(principal: Principal, rows: list[ContractOrder]) -> list[ContractOrderRead]:
    ids = [o.id for o in rows]
    lines: dict[int, list[ContractOrderLineRead]] = {}
    for line in await ContractOrderLine.filter(order_id__in=ids).order_by("id"):
        lines.setdefault(line.order_id, []).append(ContractOrderLineRead.model_validate(line))
    deliveries = await _deliveries(ids)
    people = {c.id: c for c in await Customer.filter(id__in={o.customer_id for o in rows})}
    contracts = dict(
        await Contract.filter(id__in={o.contract_id for o in rows}).values_list("id", "number")
    )
    names = dict(await Staff.filter(id__in={o.owner_id for o in rows}).values_list("id", "name"))
    return [
        ContractOrderRead(
            id=o.id,
            number=o.number,
            contract_id=o.contract_id,
            contract_number=contracts.get(o.contract_id, ""),
            customer_id=o.customer_id,
            customer_name=people[o.customer_id].name,
            customer_phone=shown_phone(principal, people[o.customer_id]),
            owner_id=o.owner_id,
            owner_name=names.get(o.owner_id, ""),
            status=o.status,
            status_label=rules.LABELS[o.status],
            amount_fen=o.amount_fen,
            note=o.note,
            proof_name=o.proof_name,
            proof_content_type=o.proof_content_type,
            proof_size=o.proof_size,
            lines=lines.get(o.id, []),
            deliveries=deliveries.get(o.id, []),
            created_at=o.created_at,
            updated_at=o.updated_at,
        )
        for o in rows
    ]


async def list_orders(
    principal: Principal,
    q: str,
    status: ContractOrderStatus | None,
    contract_id: int | None,
    customer_id: int | None,
    *,
    page: int,
    page_size: int,
) -> ContractOrderPage:
    query = repository.filtered(principal, q, status, contract_id, customer_id)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return ContractOrderPage(
        items=await _read_many(principal, rows), total=total, page=page, page_size=page_size
    )


async def order_in_scope(
    principal: Principal, order_id: int, *, lock: bool = False
) -> ContractOrder:
    query = repository.in_scope(principal)
    order = await (query.select_for_update() if lock else query).get_or_none(id=order_id)
    if order is None:
        raise OrderNotFoundError()
    return order


async def get_order(principal: Principal, order_id: int) -> ContractOrderRead:
    return (await _read_many(principal, [await order_in_scope(principal, order_id)]))[0]


async def orderable_lines(principal: Principal, contract_id: int) -> list[OrderableLine]:
    """The contract's lines with what is already ordered and what remains (the order form)."""
    contract = await contract_in_scope(principal, contract_id)
    ordered = await repository.ordered_by_line(contract.id)
    return [
        OrderableLine(
            contract_line_id=line.id,
            sku_code=line.sku_code,
            product_name=line.product_name,
            unit=line.unit,
            unit_price_fen=line.unit_price_fen,
            discount_bp=line.discount_bp,
            quantity=line.quantity,
            ordered=ordered.get(line.id, 0),
            remaining=line.quantity - ordered.get(line.id, 0),
        )
        for line in await ContractLine.filter(contract_id=contract.id).order_by("id")
    ]


def _check_orderable(contract: Contract) -> None:
    if contract.status not in contract_rules.ORDERABLE:
        raise OrderContractNotOrderableError(
            status=contract_rules.LABELS[contract.status], field="contract_id"
        )


async def create_order(
    principal: Principal, data: ContractOrderCreate, proof_name: str, proof: bytes
) -> ContractOrderRead:
    _check_orderable(await contract_in_scope(principal, data.contract_id))
    wanted = [line.contract_line_id for line in data.lines]
    duplicate = rules.first_duplicate(wanted)
    if duplicate is not None:
        raise OrderLineInvalidError(row=duplicate + 1, field=f"lines.{duplicate}.contract_line_id")
    stored = await storage.save(f"orders/{data.contract_id}", proof_name, proof)
    try:
        order = await _write_order(principal, data, stored)
    except BaseException:
        await storage.remove(stored.key)
        raise
    return await get_order(principal, order.id)


async def _write_order(
    principal: Principal, data: ContractOrderCreate, stored: storage.StoredFile
) -> ContractOrder:
    now = clock.utc_now()
    async with unit_of_work():
        # The contract's row lock queues concurrent orders: each sees the others' quantities.
        contract = await contract_in_scope(principal, data.contract_id, lock=True)
        _check_orderable(contract)
        lines = {li.id: li for li in await ContractLine.filter(contract_id=contract.id)}
        ordered = await repository.ordered_by_line(contract.id)
        rows = []
        for row, given in enumerate(data.lines):
            line = lines.get(given.contract_line_id)
            if line is None:
                raise OrderLineInvalidError(row=row + 1, field=f"lines.{row}.contract_line_id")
            remaining = line.quantity - ordered.get(line.id, 0)
            if given.quantity > remaining:
                raise OrderExceedsContractError(
                    row=row + 1,
                    product=line.product_name,
                    remaining=remaining,
                    field=f"lines.{row}.quantity",
                )
            rows.append(
                ContractOrderLine(
                    contract_line_id=line.id,
                    sku_code=line.sku_code,
                    product_name=line.product_name,
                    unit=line.unit,
                    quantity=given.quantity,
                    unit_price_fen=line.unit_price_fen,
                    amount_fen=line_amount(given.quantity, line.unit_price_fen, line.discount_bp),
                )
            )
        order = await ContractOrder.create(
            number=await numbers.draw(rules.ORDER_PREFIX),
            contract_id=contract.id,
            customer_id=contract.customer_id,
            owner_id=contract.owner_id,
            department_id=contract.department_id,
            amount_fen=sum(r.amount_fen for r in rows),
            note=data.note,
            proof_name=stored.name,
            proof_content_type=stored.content_type,
            proof_size=stored.size,
            proof_sha256=stored.sha256,
            proof_key=stored.key,
            created_at=now,
            updated_at=now,
        )
        for r in rows:
            r.order_id = order.id
        await ContractOrderLine.bulk_create(rows)
        await audit.record(
            actor_of(principal),
            "sales.order_created",
            target_type="sales_contract_order",
            target_id=order.id,
            after={
                "number": order.number,
                "contract_id": contract.id,
                "amount_fen": order.amount_fen,
                "proof_sha256": stored.sha256,
                "lines": [[r.contract_line_id, r.quantity] for r in rows],
            },
        )
        # Straight to review (运营或者财务审核); no approver found rolls the order back too.
        await approval_requests.submit_request(
            principal, RequestCreate(kind=KIND, record_id=order.id, reason=data.note[:255])
        )
    return order


async def proof_of(principal: Principal, order_id: int) -> tuple[str, str, bytes]:
    order = await order_in_scope(principal, order_id)
    return order.proof_name, order.proof_content_type, await storage.read(order.proof_key)


async def decide(order_id: int, status: ContractOrderStatus, actor: audit.Actor) -> None:
    """The approval engine's hooks, inside its deciding transaction."""
    order = await ContractOrder.select_for_update().get(id=order_id)
    await ContractOrder.filter(id=order_id).update(status=status, updated_at=clock.utc_now())
    await audit.record(
        actor,
        "sales.order_status_changed",
        target_type="sales_contract_order",
        target_id=order_id,
        before={"status": order.status.value},
        after={"status": status.value},
    )
