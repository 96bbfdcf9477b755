"""Customers as an approvable kind: a credit limit (信用额度) request. The amount asked for
drives the chain; approval sets the limit. The customer is locked while a request is open;
once decided it is editable again (a credit limit is not a document to freeze)."""

from crm_core import audit, clock
from crm_core.approvals import rules as approval_rules
from crm_core.approvals.registry import ApprovableKind, Subject, register_kind
from crm_core.customers.errors import CreditLimitRequiredError
from crm_core.customers.models import Customer
from crm_core.customers.service._common import customer_in_scope
from crm_core.customers.service.customers import KIND
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


async def describe(principal: Principal, customer_id: int, amount_fen: int | None) -> Subject:
    customer = await customer_in_scope(principal, customer_id)
    if not amount_fen:
        raise CreditLimitRequiredError(field="amount_fen")
    title = f"{customer.name} 信用额度 {approval_rules.yuan(amount_fen)} 元"
    return Subject(title=title, amount_fen=amount_fen)


async def set_credit_limit(customer_id: int, amount_fen: int, actor: audit.Actor) -> None:
    async with unit_of_work():
        customer = await Customer.select_for_update().get(id=customer_id)
        before = customer.credit_limit_fen
        await Customer.filter(id=customer_id).update(
            credit_limit_fen=amount_fen, updated_at=clock.utc_now()
        )
        await audit.record(
            actor,
            "customer.credit_limit_set",
            target_type="customer",
            target_id=customer_id,
            before={"credit_limit_fen": before},
            after={"credit_limit_fen": amount_fen},
        )


def register() -> None:
    register_kind(
        ApprovableKind(
            code=KIND,
            label="客户信用额度",
            describe=describe,
            on_approved=set_credit_limit,
            detail_url="/admin/customers/{id}",
            lock_approved=False,
        )
    )
