"""B2B orders as an approvable kind (运营或者财务审核): approval releases the order to the
warehouse (待发货); rejection frees the contract quantities it held."""

from crm_core import audit
from crm_core.approvals import rules as approval_rules
from crm_core.approvals.registry import ApprovableKind, Subject, register_kind
from crm_core.permissions import Principal
from crm_core.sales.orders.errors import OrderNotReviewableError
from crm_core.sales.orders.models import ContractOrderStatus
from crm_core.sales.orders.rules import LABELS
from crm_core.sales.orders.service import orders


async def describe(principal: Principal, order_id: int, _: int | None) -> Subject:
    order = await orders.order_in_scope(principal, order_id)
    if order.status != ContractOrderStatus.REVIEWING:
        raise OrderNotReviewableError(status=LABELS[order.status])
    title = f"订单 {order.number} {approval_rules.yuan(order.amount_fen)} 元"
    return Subject(title=title, amount_fen=order.amount_fen)


async def on_approved(order_id: int, _: int, actor: audit.Actor) -> None:
    await orders.decide(order_id, ContractOrderStatus.TO_DELIVER, actor)


async def on_rejected(order_id: int, _: int, actor: audit.Actor) -> None:
    await orders.decide(order_id, ContractOrderStatus.REJECTED, actor)


def register() -> None:
    register_kind(
        ApprovableKind(
            code=orders.KIND,
            label="订单",
            describe=describe,
            on_approved=on_approved,
            on_rejected=on_rejected,
            detail_url="/admin/orders/{id}",
        )
    )
