"""Named queries of customer analysis: the nightly RFM rebuild and the scoped read-outs."""

from datetime import date, datetime
from typing import Any

from tortoise import connections

from analytics.customers import rules
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from members import service as members_service
from members.models import Member

Query = tuple[str, list[Any]]

_WINDOW = "$1::timestamptz - make_interval(days => $3::int)"
# One statement computes every buying member's row: net spend minus refunds, fully refunded
# orders left out, merged-away members left out; scores are ceil(5k/n) over k values ≤ own.
REBUILD = f"""
INSERT INTO analytics_rfm (member_id, store_id, recency_days, frequency, monetary_fen,
  r_score, f_score, m_score, rfm_class, last_purchase_at, interval_days, churned, churn_risk,
  computed_on)
WITH b AS (
  SELECT o.member_id, max(o.paid_at) AS last_at, min(o.paid_at) AS first_at, count(*) AS n,
    count(*) FILTER (WHERE o.paid_at > {_WINDOW}) AS f,
    coalesce(sum(o.total_fen - o.refunded_fen) FILTER (WHERE o.paid_at > {_WINDOW}), 0) AS mon
  FROM sales_order o JOIN members_member mm ON mm.id = o.member_id
  WHERE o.status <> 'refunded' AND o.paid_at <= $1 AND mm.merged_into_id IS NULL
  GROUP BY o.member_id
), d AS (
  SELECT b.*, floor(extract(epoch FROM $1 - b.last_at) / 86400)::int AS rec,
    CASE WHEN b.n > 1
      THEN round(extract(epoch FROM b.last_at - b.first_at) / 86400 / (b.n - 1))::int END AS iv
  FROM b
), s AS (
  SELECT d.*, count(*) OVER () AS total,
    (5 * count(*) OVER (ORDER BY d.rec DESC) + count(*) OVER () - 1) / count(*) OVER () AS r,
    (5 * count(*) OVER (ORDER BY d.f) + count(*) OVER () - 1) / count(*) OVER () AS fs,
    (5 * count(*) OVER (ORDER BY d.mon) + count(*) OVER () - 1) / count(*) OVER () AS ms
  FROM d
)
SELECT s.member_id, m.first_store_id, s.rec, s.f, s.mon, s.r, s.fs, s.ms,
  {rules.class_sql("s.r", "s.fs", "s.ms", "s.total")}, s.last_at, s.iv, s.rec >= $4,
  s.rec < $4 AND CASE WHEN s.iv IS NULL THEN s.rec >= $4 / 2
    ELSE s.rec >= greatest(s.iv, $4 - s.iv) END,
  $2::date
FROM s JOIN members_member m ON m.id = s.member_id
"""  # noqa: S608 - fixed text, values bound


async def rebuild(now: datetime, today: date, window_days: int, churn_days: int) -> int:
    """Replace the table whole, in one transaction: readers see the old rows or the new."""
    async with unit_of_work() as connection:
        # Three sorts of every buying member: in memory, not on disk, at a million members.
        await connection.execute_query("SET LOCAL work_mem = '256MB'")
        await connection.execute_query("DELETE FROM analytics_rfm")
        await connection.execute_query(REBUILD, [now, today, window_days, churn_days])
        rows = await connection.execute_query_dict("SELECT count(*) AS n FROM analytics_rfm")
    return int(rows[0]["n"])


async def scope_sql(principal: Principal) -> Query | None:
    """The members the principal may see (members.service.scope_filter) as a `SELECT id`."""
    if principal.department_ids is None:
        return None
    query = Member.filter(await members_service.scope_filter(principal)).values_list(
        "id", flat=True
    )
    # Tortoise has no public "SQL with its parameters"; these two calls are what .sql() does.
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, params = query.query.get_parameterized_sql()
    return sql, list(params)


RFM_FROM = (
    "analytics_rfm r JOIN members_member m ON m.id = r.member_id"
    " LEFT JOIN loyalty_account a ON a.member_id = m.id"
)
MEMBERS_FROM = "members_member m"


async def select(
    principal: Principal, source: str, columns: str, tail: str = "", params: list[Any] | None = None
) -> list[dict[str, Any]]:
    """`SELECT {columns} FROM {source} WHERE <m in scope> {tail}`; `{p0}`, `{p1}` … in columns
    and tail name the caller's parameters, numbered after the scope's."""
    params = params or []
    scope = await scope_sql(principal)
    scope_text, scope_params = scope or ("", [])
    names = {f"p{i}": f"${len(scope_params) + i + 1}" for i in range(len(params))}
    where = f" AND m.id IN ({scope_text})" if scope else ""
    sql = (
        f"SELECT {columns.format(**names)} FROM {source}"  # noqa: S608 - fixed text, bound values
        f" WHERE m.merged_into_id IS NULL{where} {tail.format(**names)}"
    )
    rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        sql, [*scope_params, *params]
    )
    return rows
