"""Named queries of the cash side: the data scope of receipts, account locks, the journal's
filters and the report's aggregates."""

from datetime import date

from tortoise import connections
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from crm_core.customers import repository as customers
from crm_core.customers.models import Customer
from crm_core.payments.models import (
    FundAccount,
    Instalment,
    JournalEntry,
    JournalKind,
    PlanReminder,
    Receipt,
    ReceiptStatus,
    SupplierPayment,
)
from crm_core.permissions import Principal
from crm_core.sales.contracts import repository as contracts
from crm_core.sales.contracts.models import Contract, ContractStatus


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of payments: a receipt is seen through its customer (the
    customers' scope over the owner). Accounts, the journal, suppliers and supplier payments are
    company-wide and guarded by function permissions only."""
    if principal.department_ids is None:
        return Q()
    mine = Customer.filter(customers.scope_filter(principal)).values("id")
    return Q(customer_id__in=Subquery(mine))


def receipts_in_scope(principal: Principal) -> QuerySet[Receipt]:
    return Receipt.filter(scope_filter(principal))


async def lock_accounts(ids: set[int]) -> dict[int, FundAccount]:
    """Locks in id order, so two transfers between the same accounts never deadlock."""
    rows = await FundAccount.filter(id__in=sorted(ids)).select_for_update().order_by("id")
    return {a.id: a for a in rows}


def entries(
    account_id: int | None, kind: JournalKind | None, start: date | None, end: date | None
) -> QuerySet[JournalEntry]:
    query = JournalEntry.all()
    if account_id is not None:
        query = query.filter(account_id=account_id)
    if kind is not None:
        query = query.filter(kind=kind)
    if start is not None:
        query = query.filter(occurred_on__gte=start)
    if end is not None:
        query = query.filter(occurred_on__lte=end)
    return query


async def reversed_ids(ids: list[int]) -> set[int]:
    rows = await JournalEntry.filter(reverses_id__in=ids).values_list("reverses_id", flat=True)
    return {int(r) for r in rows if r is not None}  # type: ignore[call-overload]


async def sums_before(start: date) -> dict[int, int]:
    rows = (
        await JournalEntry.filter(occurred_on__lt=start)
        .group_by("account_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("account_id", "total")
    )
    return {int(a): int(t or 0) for a, t in rows}  # type: ignore[call-overload]


async def period_rows(start: date, end: date) -> list[tuple[int, date, int]]:
    """(account, day, amount) of every entry in the period."""
    rows = await JournalEntry.filter(occurred_on__gte=start, occurred_on__lte=end).values_list(
        "account_id", "occurred_on", "amount_fen"
    )
    return [(int(a), d, int(v)) for a, d, v in rows]  # type: ignore[misc]


async def entry_of(*, receipt_ids: list[int], payment_ids: list[int]) -> dict[str, int]:
    """'r<id>' / 'p<id>' -> the journal entry that posted it."""
    rows = await JournalEntry.filter(
        Q(receipt_id__in=receipt_ids) | Q(payment_id__in=payment_ids)
    ).values_list("id", "receipt_id", "payment_id")
    found: dict[str, int] = {}
    for entry_id, receipt_id, payment_id in rows:
        found[f"r{receipt_id}" if receipt_id else f"p{payment_id}"] = int(entry_id)  # type: ignore[call-overload]
    return found


async def receivables(principal: Principal) -> list[tuple[int, str, int, int]]:
    """(customer, status, Σ amount, count) of the receipts in scope, pending and confirmed."""
    rows = (
        await receipts_in_scope(principal)
        .filter(status__in=[ReceiptStatus.PENDING, ReceiptStatus.CONFIRMED])
        .group_by("customer_id", "status")
        .annotate(total=Sum("amount_fen"), count=Count("id"))
        .values_list("customer_id", "status", "total", "count")
    )
    return [(int(c), str(s), int(t or 0), int(n)) for c, s, t, n in rows]  # type: ignore[call-overload]


def payments_filtered(status: str | None, supplier_id: int | None) -> QuerySet[SupplierPayment]:
    query = SupplierPayment.all()
    if status is not None:
        query = query.filter(status=status)
    if supplier_id is not None:
        query = query.filter(supplier_id=supplier_id)
    return query


async def drifted_accounts() -> list[int]:
    rows = await connections.get("default").execute_query_dict(
        """
        SELECT a.id FROM payments_fund_account a
        LEFT JOIN payments_journal_entry e ON e.account_id = a.id
        GROUP BY a.id, a.balance_fen
        HAVING a.balance_fen <> COALESCE(SUM(e.amount_fen), 0)
        ORDER BY a.id
        """
    )
    return [int(r["id"]) for r in rows]


async def receipt_sums(contract_ids: list[int]) -> list[tuple[int, int | None, str, int]]:
    """(contract, instalment or None, status, Σ amount) of pending and confirmed receipts."""
    rows = (
        await Receipt.filter(
            contract_id__in=contract_ids,
            status__in=[ReceiptStatus.PENDING, ReceiptStatus.CONFIRMED],
        )
        .group_by("contract_id", "plan_id", "status")
        .annotate(total=Sum("amount_fen"))
        .values_list("contract_id", "plan_id", "status", "total")
    )
    return [(int(c), p, str(s), int(t or 0)) for c, p, s, t in rows]  # type: ignore[misc]


def instalments_of(contract_ids: list[int]) -> QuerySet[Instalment]:
    return Instalment.filter(contract_id__in=contract_ids).order_by("contract_id", "due_on", "id")


def receivable_contracts(principal: Principal | None) -> QuerySet[Contract]:
    """Contracts that bind (not drafts or void) whose customers are in the payments scope
    (every one for the beat, principal None)."""
    query = Contract.exclude(status__in=[ContractStatus.DRAFT, ContractStatus.VOID])
    return query if principal is None else query.filter(scope_filter(principal))


def reminders_in_scope(principal: Principal) -> QuerySet[PlanReminder]:
    """Reminders follow the contract's owner, as contracts do."""
    return PlanReminder.filter(contracts.scope_filter(principal))
