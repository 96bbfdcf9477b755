"""Supplier payments as an approvable kind ("payment"): the payment's amount drives the chain;
approval makes it payable by the cashier, rejection closes it."""

from crm_core import clock
from crm_core.approvals.registry import ApprovableKind, Subject, register_kind
from crm_core.audit import Actor
from crm_core.payments import rules
from crm_core.payments.errors import PaymentNotFoundError
from crm_core.payments.models import PaymentStatus, Supplier, SupplierPayment
from crm_core.payments.service.supplier_payments import KIND
from crm_core.permissions import Principal

# The seed: 出纳员填好付款单后提交财务主管审批 (another finance member, in the department or
# above); from 10,000 元 an administrator signs too.
STEPS = (
    {
        "name": "财务主管审批",
        "approver_type": "role",
        "role": "finance",
        "staff_id": None,
        "min_amount_fen": None,
        "max_amount_fen": None,
    },
    {
        "name": "总经理审批",
        "approver_type": "role",
        "role": "admin",
        "staff_id": None,
        "min_amount_fen": 1_000_000,
        "max_amount_fen": None,
    },
)


async def describe(principal: Principal, payment_id: int, _: int | None) -> Subject:
    payment = await SupplierPayment.get_or_none(id=payment_id, status=PaymentStatus.PENDING)
    if payment is None or not principal.can("payments.payment:view"):
        raise PaymentNotFoundError()
    supplier = await Supplier.get(id=payment.supplier_id)
    title = f"付款给 {supplier.name} {rules.yuan(payment.amount_fen)} 元：{payment.purpose}"
    return Subject(title=title, amount_fen=payment.amount_fen)


async def _move(payment_id: int, status: PaymentStatus) -> None:
    await SupplierPayment.filter(id=payment_id, status=PaymentStatus.PENDING).update(
        status=status, updated_at=clock.utc_now()
    )


async def approved(payment_id: int, _: int, __: Actor) -> None:
    await _move(payment_id, PaymentStatus.APPROVED)


async def rejected(payment_id: int, _: int, __: Actor) -> None:
    await _move(payment_id, PaymentStatus.REJECTED)


def register() -> None:
    register_kind(
        ApprovableKind(
            code=KIND,
            label="付款单",
            describe=describe,
            on_approved=approved,
            on_rejected=rejected,
            detail_url="/admin/supplier-payments?id={id}",
            default_steps=STEPS,
        )
    )
