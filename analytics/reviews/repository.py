"""Named queries of reviews: the one data scope (by store, like till orders), the filters, the
rollup rebuild of one day."""

from datetime import date

from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from analytics.reviews.models import Review, ReviewTerm, SegmentWord, TermDaily
from crm_core.org.scope import visible_stores
from crm_core.permissions import Principal


def scope_filter(principal: Principal) -> Q:
    """Reviews of the stores in the caller's scope."""
    stores = visible_stores(principal)
    return Q() if stores is None else Q(store_id__in=stores)


def in_scope(principal: Principal) -> QuerySet[Review]:
    return Review.filter(scope_filter(principal))


def filtered(
    principal: Principal,
    *,
    start: date | None = None,
    end: date | None = None,
    store_id: int | None = None,
    product_code: str = "",
    sentiment: str = "",
    term: str = "",
    replied: bool | None = None,
) -> QuerySet[Review]:
    query = in_scope(principal)
    if start is not None:
        query = query.filter(day__gte=start)
    if end is not None:
        query = query.filter(day__lte=end)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    if product_code:
        query = query.filter(items__product_code=product_code)
        if sentiment:
            query = query.filter(items__sentiment=sentiment)
    elif sentiment:
        query = query.filter(sentiment=sentiment)
    if term:
        query = query.filter(terms__term=term)
    if replied is not None:
        query = query.filter(replied_at__isnull=not replied)
    return query.distinct()


async def vocabulary_rows() -> list[tuple[str, str, bool]]:
    return [
        (str(kind), word, enabled)
        for kind, word, enabled in await SegmentWord.all()
        .order_by("id")
        .values_list("kind", "word", "enabled")
    ]


async def vocabulary_version() -> tuple[int, str]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n, coalesce(max(updated_at)::text, '') AS at "
        "FROM analytics_segment_word"
    )
    return int(rows[0]["n"]), str(rows[0]["at"])


_ROLLUP = """
INSERT INTO analytics_term_daily (day, store_id, product_code, sentiment, term, count, reviews)
SELECT r.day, r.store_id, s.product_code, s.sentiment, t.term, sum(t.count), count(*)
FROM analytics_review r
JOIN analytics_review_term t ON t.review_id = r.id
CROSS JOIN LATERAL (
    SELECT '' AS product_code, r.sentiment
    UNION ALL
    SELECT i.product_code, i.sentiment FROM analytics_review_item i WHERE i.review_id = r.id
) s
WHERE r.day = $1
GROUP BY r.day, r.store_id, s.product_code, s.sentiment, t.term
"""


async def rebuild_day(day: date) -> int:
    """Inside the caller's transaction: the day's rollup is deleted and computed again from the
    reviews' saved terms, set-based. Per (day, store, product, sentiment, term): occurrences and
    the reviews containing it (a term is saved once per review). Product "" is the review as a
    whole under its own sentiment; a product row takes that product's sentiment."""
    connection = connections.get("default")
    await connection.execute_query("DELETE FROM analytics_term_daily WHERE day = $1", [day])
    written, _ = await connection.execute_query(_ROLLUP, [day])
    return int(written)


def cloud_query(
    principal: Principal,
    *,
    start: date | None,
    end: date | None,
    store_id: int | None,
    product_code: str,
    sentiment: str,
) -> QuerySet[TermDaily]:
    query = TermDaily.filter(product_code=product_code)
    stores = visible_stores(principal)
    if stores is not None:
        query = query.filter(store_id__in=stores)
    if start is not None:
        query = query.filter(day__gte=start)
    if end is not None:
        query = query.filter(day__lte=end)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    if sentiment:
        query = query.filter(sentiment=sentiment)
    return query


async def top_terms(query: QuerySet[TermDaily], limit: int) -> list[tuple[str, int, int]]:
    rows = (
        await query.group_by("term")
        .annotate(total=Sum("count"), n=Sum("reviews"))
        .order_by("-total", "term")
        .limit(limit)
        .values_list("term", "total", "n")
    )
    return [(str(t), int(c), int(n)) for t, c, n in rows]


async def terms_of(review_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for review_id, term in (
        await ReviewTerm.filter(review_id__in=review_ids)
        .order_by("-count", "term")
        .values_list("review_id", "term")
    ):
        out.setdefault(int(review_id), []).append(str(term))
    return out
