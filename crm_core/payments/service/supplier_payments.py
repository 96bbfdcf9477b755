"""Supplier payments (付款单): written by the cashier with a proof, decided by the approval
engine (kind "payment"), then paid, which posts the journal entry. The seed: 出纳员填好付款单
后提交财务主管审批，审批通过后生成出纳日记账。"""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.approvals.schemas import RequestCreate
from crm_core.approvals.service import requests as approval_requests
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.payments import repository, rules
from crm_core.payments.errors import (
    AccountDisabledError,
    AccountNotFoundError,
    PaymentNotApprovedError,
    PaymentNotFoundError,
    ProofNotFoundError,
    SupplierDisabledError,
    SupplierNotFoundError,
)
from crm_core.payments.models import (
    FundAccount,
    JournalKind,
    PaymentStatus,
    Supplier,
    SupplierPayment,
)
from crm_core.payments.schemas import PaymentCreate, PaymentPage, PaymentPay, PaymentRead
from crm_core.payments.service import proofs
from crm_core.payments.service._common import earlier_write
from crm_core.payments.service.ledger import Posting, post
from crm_core.permissions import Principal

KIND = "payment"


async def read_many(payments: list[SupplierPayment]) -> list[PaymentRead]:
    suppliers = dict(
        await Supplier.filter(id__in={p.supplier_id for p in payments}).values_list("id", "name")
    )
    accounts = dict(await FundAccount.all().values_list("id", "name"))
    names = dict(
        await Staff.filter(id__in={p.created_by_id for p in payments}).values_list("id", "name")
    )
    attached = await proofs.proofs_by_id({p.proof_id for p in payments})
    entries = await repository.entry_of(receipt_ids=[], payment_ids=[p.id for p in payments])
    return [
        PaymentRead(
            id=p.id,
            supplier_id=p.supplier_id,
            supplier_name=suppliers.get(p.supplier_id, ""),
            account_id=p.account_id,
            account_name=accounts.get(p.account_id, ""),
            amount_fen=p.amount_fen,
            due_on=p.due_on,
            purpose=p.purpose,
            proof=attached.get(p.proof_id) if p.proof_id else None,
            status=p.status,
            approval_id=p.approval_id,
            paid_on=p.paid_on,
            entry_id=entries.get(f"p{p.id}"),
            created_by_name=names.get(p.created_by_id, ""),
            created_at=p.created_at,
        )
        for p in payments
    ]


async def list_payments(
    status: PaymentStatus | None, supplier_id: int | None, *, page: int, page_size: int
) -> PaymentPage:
    query = repository.payments_filtered(status, supplier_id)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return PaymentPage(items=await read_many(rows), total=total, page=page, page_size=page_size)


async def _payment(payment_id: int, *, lock: bool = False) -> SupplierPayment:
    query = SupplierPayment.select_for_update() if lock else SupplierPayment.all()
    payment = await query.get_or_none(id=payment_id)
    if payment is None:
        raise PaymentNotFoundError()
    return payment


async def get_payment(payment_id: int) -> PaymentRead:
    return (await read_many([await _payment(payment_id)]))[0]


async def _replay(principal: Principal, key: str, request_hash: str) -> PaymentRead | None:
    earlier = await earlier_write(SupplierPayment, principal, key, request_hash)
    return None if earlier is None else (await read_many([earlier]))[0]


async def _check_parties(data: PaymentCreate) -> None:
    supplier = await Supplier.get_or_none(id=data.supplier_id)
    if supplier is None:
        raise SupplierNotFoundError(field="supplier_id")
    if not supplier.is_active:
        raise SupplierDisabledError(field="supplier_id")
    account = await FundAccount.get_or_none(id=data.account_id)
    if account is None:
        raise AccountNotFoundError(field="account_id")
    if not account.is_active:
        raise AccountDisabledError(name=account.name, field="account_id")


async def create_payment(principal: Principal, data: PaymentCreate) -> PaymentRead:
    """The payment and its approval request in one transaction: no payment waits unsubmitted."""
    request_hash = rules.request_hash(data.model_dump())
    earlier = await _replay(principal, data.idempotency_key, request_hash)
    if earlier is not None:
        return earlier
    await _check_parties(data)
    now = clock.utc_now()
    try:
        async with unit_of_work():
            payment = await SupplierPayment.create(
                **data.model_dump(exclude={"proof_id"}),
                proof_id=await proofs.claim(principal, data.proof_id),
                request_hash=request_hash,
                created_by_id=principal.staff_id,
                created_at=now,
                updated_at=now,
            )
            request = await approval_requests.submit_request(
                principal, RequestCreate(kind=KIND, record_id=payment.id, reason=data.purpose)
            )
            await SupplierPayment.filter(id=payment.id).update(approval_id=request.id)
    except IntegrityError:
        earlier = await _replay(principal, data.idempotency_key, request_hash)
        if earlier is not None:
            return earlier
        raise ProofNotFoundError(field="proof_id") from None
    return await get_payment(payment.id)


async def pay(principal: Principal, payment_id: int, data: PaymentPay) -> PaymentRead:
    """The cashier pays an approved payment: the entry (derived key `payment:<id>`) and the
    status move together; 409 fund_insufficient leaves both as they were."""
    async with unit_of_work():
        payment = await _payment(payment_id, lock=True)
        if payment.status != PaymentStatus.APPROVED:
            raise PaymentNotApprovedError()
        supplier = await Supplier.get(id=payment.supplier_id)
        posting = Posting(
            payment.account_id,
            JournalKind.PAYMENT,
            -payment.amount_fen,
            data.paid_on,
            summary=f"付款 #{payment.id} {payment.purpose}",
            counterparty=supplier.name,
            payment_id=payment.id,
        )
        await post(
            [posting],
            key=f"payment:{payment.id}",
            request_hash=payment.request_hash,
            actor_id=principal.staff_id,
        )
        await SupplierPayment.filter(id=payment_id).update(
            status=PaymentStatus.PAID,
            paid_on=data.paid_on,
            paid_by_id=principal.staff_id,
            updated_at=clock.utc_now(),
        )
        await audit.record(
            audit.actor_of(principal),
            "payments.payment_paid",
            target_type="supplier_payment",
            target_id=payment_id,
            before={"status": payment.status.value},
            after={"status": PaymentStatus.PAID.value, "amount_fen": payment.amount_fen},
        )
    return await get_payment(payment_id)


async def payment_proof(payment_id: int) -> tuple[bytes, str, str]:
    return await proofs.open_proof((await _payment(payment_id)).proof_id)
