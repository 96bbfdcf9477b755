"""Named queries of contracts: the data scope, the list filters, the number counter."""

from tortoise import connections
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core.org.models import DataScope
from crm_core.org.scope import visible_staff
from crm_core.permissions import Principal
from crm_core.sales.contracts.models import Contract, ContractStatus


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of contracts (and of the orders drawn from them): those owned by
    a staff member in the caller's scope."""
    if principal.department_ids is None:
        return Q()
    if principal.data_scope == DataScope.OWN:
        return Q(owner_id=principal.staff_id)
    people = visible_staff(principal)
    return Q() if people is None else Q(owner_id__in=people)


def in_scope(principal: Principal) -> QuerySet[Contract]:
    return Contract.filter(scope_filter(principal))


def filtered(
    principal: Principal,
    q: str,
    statuses: list[ContractStatus] | None,
    customer_id: int | None,
    ids: list[int] | None,
    excluded: list[int] | None,
) -> QuerySet[Contract]:
    query = in_scope(principal)
    if q.strip():
        text = q.strip()
        query = query.filter(
            Q(number__icontains=text) | Q(title__icontains=text) | Q(customer__name__icontains=text)
        )
    if statuses is not None:
        query = query.filter(status__in=statuses)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if ids is not None:
        query = query.filter(id__in=ids)
    if excluded:
        query = query.exclude(id__in=excluded)
    return query


async def next_sequence(prefix: str, year: int) -> int:
    """Draws the next number in the caller's transaction: the upsert locks the counter row until
    commit, so concurrent documents queue here and each gets its own number."""
    [row] = await connections.get("default").execute_query_dict(
        """
        INSERT INTO sales_document_counter (prefix, year, last_sequence) VALUES ($1, $2, 1)
        ON CONFLICT (prefix, year)
        DO UPDATE SET last_sequence = sales_document_counter.last_sequence + 1
        RETURNING last_sequence
        """,
        [prefix, year],
    )
    return int(row["last_sequence"])
