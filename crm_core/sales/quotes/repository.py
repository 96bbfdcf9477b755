"""Named queries of quotes: the data scope, the list filters, the number counter."""

from datetime import date

from tortoise import connections
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from crm_core.org.models import DataScope
from crm_core.org.scope import visible_staff
from crm_core.permissions import Principal
from crm_core.sales.quotes.models import Quote, QuoteStatus


def scope_filter(principal: Principal) -> Q:
    """The one data-scope rule of quotes: those owned by a staff member in the caller's scope
    (own: themself; department or subtree: its staff; all: every quote)."""
    if principal.department_ids is None:
        return Q()
    if principal.data_scope == DataScope.OWN:
        return Q(owner_id=principal.staff_id)
    people = visible_staff(principal)
    return Q() if people is None else Q(owner_id__in=people)


def in_scope(principal: Principal) -> QuerySet[Quote]:
    return Quote.filter(scope_filter(principal))


def filtered(
    principal: Principal, q: str, status: QuoteStatus | None, customer_id: int | None
) -> QuerySet[Quote]:
    query = in_scope(principal)
    if q.strip():
        query = query.filter(Q(number__icontains=q.strip()) | Q(customer__name__icontains=q))
    if status is not None:
        query = query.filter(status=status)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return query


async def next_sequence(prefix: str, year: int) -> int:
    """Draws the next number in the caller's transaction: the upsert locks the counter row until
    commit, so concurrent quotes queue here and each gets its own number."""
    [row] = await connections.get("default").execute_query_dict(
        """
        INSERT INTO sales_quote_counter (prefix, year, last_sequence) VALUES ($1, $2, 1)
        ON CONFLICT (prefix, year)
        DO UPDATE SET last_sequence = sales_quote_counter.last_sequence + 1
        RETURNING last_sequence
        """,
        [prefix, year],
    )
    return int(row["last_sequence"])


async def sent_and_past(today: date) -> list[int]:
    return await Quote.filter(status=QuoteStatus.SENT, valid_until__lt=today).values_list(
        "id", flat=True
    )  # type: ignore[return-value]
