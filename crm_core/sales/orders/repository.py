"""Named queries of B2B orders: the data scope, the list filters, quantities already ordered."""

from tortoise.expressions import Q
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from crm_core.org.models import DataScope
from crm_core.org.scope import visible_staff
from crm_core.permissions import Principal
from crm_core.sales.orders.models import ContractOrder, ContractOrderLine, ContractOrderStatus


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of orders: those owned by a staff member in the caller's scope
    (the owner is the contract's owner who drew the order)."""
    if principal.department_ids is None:
        return Q()
    if principal.data_scope == DataScope.OWN:
        return Q(owner_id=principal.staff_id)
    people = visible_staff(principal)
    return Q() if people is None else Q(owner_id__in=people)


def in_scope(principal: Principal) -> QuerySet[ContractOrder]:
    return ContractOrder.filter(scope_filter(principal))


def filtered(
    principal: Principal,
    q: str,
    status: ContractOrderStatus | None,
    contract_id: int | None,
    customer_id: int | None,
) -> QuerySet[ContractOrder]:
    query = in_scope(principal)
    if q.strip():
        text = q.strip()
        query = query.filter(
            Q(number__icontains=text)
            | Q(contract__number__icontains=text)
            | Q(customer__name__icontains=text)
        )
    if status is not None:
        query = query.filter(status=status)
    if contract_id is not None:
        query = query.filter(contract_id=contract_id)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return query


async def ordered_by_line(contract_id: int) -> dict[int, int]:
    """Quantities per contract line held by the contract's orders (rejected ones free theirs)."""
    rows = (
        await ContractOrderLine.filter(order__contract_id=contract_id)
        .exclude(order__status=ContractOrderStatus.REJECTED)
        .group_by("contract_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("contract_line_id", "total")
    )
    return {int(line): int(total) for line, total in rows}
