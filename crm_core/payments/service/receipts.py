"""Receipts from customers (回款): recorded with a proof, reviewed by finance. Confirming posts
the journal entry in the same transaction; rejecting keeps the reason. Seen through the
customer's scope, phones masked by the customers' one policy."""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.customers.models import Customer
from crm_core.customers.service._common import customer_in_scope, owner_label
from crm_core.customers.service.masking import shown_phone
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.payments import repository, rules
from crm_core.payments.errors import (
    AccountDisabledError,
    AccountNotFoundError,
    InstalmentNotFoundError,
    PaymentExceedsContractError,
    ProofNotFoundError,
    ReceiptContractClosedError,
    ReceiptContractMismatchError,
    ReceiptNotFoundError,
    ReceiptNotPendingError,
    ReceiptPlanWithoutContractError,
    SelfReviewError,
)
from crm_core.payments.models import FundAccount, Instalment, JournalKind, Receipt, ReceiptStatus
from crm_core.payments.schemas import (
    ReceiptCreate,
    ReceiptPage,
    ReceiptRead,
    Receivable,
    ReceivablePage,
    Rejection,
)
from crm_core.payments.service import plans, proofs
from crm_core.payments.service._common import earlier_write
from crm_core.payments.service.ledger import Posting, post
from crm_core.permissions import Principal
from crm_core.sales.contracts.errors import ContractNotFoundError
from crm_core.sales.contracts.models import Contract, ContractStatus
from crm_core.sales.contracts.service.contracts import contract_in_scope

METHOD_LABELS = {
    "bank_transfer": "银行转账",
    "cash": "现金",
    "wechat": "微信",
    "alipay": "支付宝",
    "cheque": "支票",
}


async def read_many(principal: Principal, receipts: list[Receipt]) -> list[ReceiptRead]:
    people = {c.id: c for c in await Customer.filter(id__in={r.customer_id for r in receipts})}
    staff_ids = {r.created_by_id for r in receipts} | {c.owner_id for c in people.values()}
    names = dict(await Staff.filter(id__in=[i for i in staff_ids if i]).values_list("id", "name"))
    accounts = dict(await FundAccount.all().values_list("id", "name"))
    numbers = dict(
        await Contract.filter(
            id__in={r.contract_id for r in receipts if r.contract_id}
        ).values_list("id", "number")
    )
    attached = await proofs.proofs_by_id({r.proof_id for r in receipts})
    entries = await repository.entry_of(receipt_ids=[r.id for r in receipts], payment_ids=[])
    return [
        ReceiptRead(
            id=r.id,
            customer_id=r.customer_id,
            customer_name=people[r.customer_id].name,
            customer_phone=shown_phone(principal, people[r.customer_id]),
            owner_name=owner_label(names, people[r.customer_id].owner_id),
            contract_id=r.contract_id,
            contract_number=numbers.get(r.contract_id, "") if r.contract_id else "",
            plan_id=r.plan_id,
            account_id=r.account_id,
            account_name=accounts.get(r.account_id, ""),
            amount_fen=r.amount_fen,
            received_on=r.received_on,
            method=r.method,
            proof=attached.get(r.proof_id) if r.proof_id else None,
            note=r.note,
            status=r.status,
            reject_reason=r.reject_reason,
            reviewed_at=r.reviewed_at,
            entry_id=entries.get(f"r{r.id}"),
            created_by_name=names.get(r.created_by_id, ""),
            created_at=r.created_at,
        )
        for r in receipts
    ]


async def list_receipts(
    principal: Principal,
    status: ReceiptStatus | None,
    customer_id: int | None,
    *,
    page: int,
    page_size: int,
) -> ReceiptPage:
    query = repository.receipts_in_scope(principal)
    if status is not None:
        query = query.filter(status=status)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    items = await read_many(principal, rows)
    return ReceiptPage(items=items, total=total, page=page, page_size=page_size)


async def _receipt(principal: Principal, receipt_id: int, *, lock: bool = False) -> Receipt:
    query = repository.receipts_in_scope(principal)
    receipt = await (query.select_for_update() if lock else query).get_or_none(id=receipt_id)
    if receipt is None:
        raise ReceiptNotFoundError()
    return receipt


async def get_receipt(principal: Principal, receipt_id: int) -> ReceiptRead:
    return (await read_many(principal, [await _receipt(principal, receipt_id)]))[0]


async def _replay(principal: Principal, key: str, request_hash: str) -> ReceiptRead | None:
    earlier = await earlier_write(Receipt, principal, key, request_hash)
    return None if earlier is None else (await read_many(principal, [earlier]))[0]


async def create_receipt(principal: Principal, data: ReceiptCreate) -> ReceiptRead:
    request_hash = rules.request_hash(data.model_dump())
    earlier = await _replay(principal, data.idempotency_key, request_hash)
    if earlier is not None:
        return earlier
    customer = await customer_in_scope(principal, data.customer_id)
    account = await FundAccount.get_or_none(id=data.account_id)
    if account is None:
        raise AccountNotFoundError(field="account_id")
    if not account.is_active:
        raise AccountDisabledError(name=account.name, field="account_id")
    try:
        async with unit_of_work():
            await _check_contract(principal, data)
            receipt = await Receipt.create(
                **data.model_dump(exclude={"proof_id"}),
                proof_id=await proofs.claim(principal, data.proof_id),
                request_hash=request_hash,
                created_by_id=principal.staff_id,
                created_at=clock.utc_now(),
            )
            await audit.record(
                audit.actor_of(principal),
                "payments.receipt_created",
                target_type="receipt",
                target_id=receipt.id,
                after={"customer": customer.name, "amount_fen": data.amount_fen},
            )
    except IntegrityError:
        # A concurrent twin with the same key won; or the proof was attached meanwhile.
        earlier = await _replay(principal, data.idempotency_key, request_hash)
        if earlier is not None:
            return earlier
        raise ProofNotFoundError(field="proof_id") from None
    return (await read_many(principal, [receipt]))[0]


async def _check_contract(principal: Principal, data: ReceiptCreate) -> None:
    """A receipt against a contract: the contract in the caller's scope and of this customer,
    the instalment of that contract, and no more than what remains on the contract (its amount
    less pending and confirmed receipts), decided under the contract's row lock so two
    concurrent receipts queue and the second sees the first."""
    if data.contract_id is None:
        if data.plan_id is not None:
            raise ReceiptPlanWithoutContractError(field="plan_id")
        return
    try:
        contract = await contract_in_scope(principal, data.contract_id, lock=True)
    except ContractNotFoundError:
        raise ContractNotFoundError(field="contract_id") from None
    if contract.customer_id != data.customer_id:
        raise ReceiptContractMismatchError(field="contract_id")
    if contract.status == ContractStatus.VOID:
        raise ReceiptContractClosedError(field="contract_id")
    if (
        data.plan_id is not None
        and not await Instalment.filter(id=data.plan_id, contract_id=contract.id).exists()
    ):
        # Another contract's instalment answers like a missing one.
        raise InstalmentNotFoundError(field="plan_id")
    remaining = (await plans.sums_of([contract.id])).remaining(contract)
    if data.amount_fen > remaining:
        raise PaymentExceedsContractError(
            amount=rules.yuan(data.amount_fen), remaining=rules.yuan(remaining), field="amount_fen"
        )


async def _review(principal: Principal, receipt_id: int) -> Receipt:
    receipt = await _receipt(principal, receipt_id, lock=True)
    if receipt.status != ReceiptStatus.PENDING:
        raise ReceiptNotPendingError()
    if receipt.created_by_id == principal.staff_id:
        raise SelfReviewError()
    return receipt


async def confirm_receipt(principal: Principal, receipt_id: int) -> ReceiptRead:
    """已确认: the money is in; the journal entry is posted in this transaction."""
    async with unit_of_work():
        receipt = await _review(principal, receipt_id)
        customer = await Customer.get(id=receipt.customer_id)
        posting = Posting(
            receipt.account_id,
            JournalKind.RECEIPT,
            receipt.amount_fen,
            receipt.received_on,
            summary=f"回款 #{receipt.id} {METHOD_LABELS[receipt.method]}",
            counterparty=customer.name,
            receipt_id=receipt.id,
        )
        await post(
            [posting],
            key=f"receipt:{receipt.id}",
            request_hash=receipt.request_hash,
            actor_id=principal.staff_id,
        )
        await _decide(principal, receipt, ReceiptStatus.CONFIRMED, "")
    return await get_receipt(principal, receipt_id)


async def reject_receipt(principal: Principal, receipt_id: int, data: Rejection) -> ReceiptRead:
    async with unit_of_work():
        receipt = await _review(principal, receipt_id)
        await _decide(principal, receipt, ReceiptStatus.REJECTED, data.reason)
    return await get_receipt(principal, receipt_id)


async def _decide(
    principal: Principal, receipt: Receipt, status: ReceiptStatus, reason: str
) -> None:
    await Receipt.filter(id=receipt.id).update(
        status=status,
        reject_reason=reason,
        reviewed_by_id=principal.staff_id,
        reviewed_at=clock.utc_now(),
    )
    await audit.record(
        audit.actor_of(principal),
        f"payments.receipt_{status.value}",
        target_type="receipt",
        target_id=receipt.id,
        before={"status": receipt.status.value},
        after={"status": status.value},
        reason=reason,
    )


async def receipt_proof(principal: Principal, receipt_id: int) -> tuple[bytes, str, str]:
    return await proofs.open_proof((await _receipt(principal, receipt_id)).proof_id)


async def receivables(principal: Principal) -> ReceivablePage:
    """Per customer in scope: recorded (pending + confirmed) against confirmed by finance."""
    sums: dict[int, dict[str, int]] = {}
    for customer_id, status, total, count in await repository.receivables(principal):
        row = sums.setdefault(customer_id, {"pending": 0, "confirmed": 0, "count": 0})
        row[status] += total
        row["count"] += count
    people = {c.id: c for c in await Customer.filter(id__in=list(sums))}
    owners = {c.owner_id for c in people.values() if c.owner_id}
    names = dict(await Staff.filter(id__in=owners).values_list("id", "name"))
    items = [
        Receivable(
            customer_id=cid,
            customer_name=people[cid].name,
            customer_phone=shown_phone(principal, people[cid]),
            owner_name=owner_label(names, people[cid].owner_id),
            received_fen=row["pending"] + row["confirmed"],
            confirmed_fen=row["confirmed"],
            pending_fen=row["pending"],
            count=row["count"],
        )
        for cid, row in sorted(sums.items(), key=lambda kv: -kv[1]["pending"] - kv[1]["confirmed"])
    ]
    return ReceivablePage(items=items, total=len(items))
