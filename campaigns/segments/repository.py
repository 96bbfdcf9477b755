"""Named queries of segments: the data scope as SQL, and running compiled rules."""

from typing import Any

from tortoise import connections

from crm_core.permissions import Principal
from members import service as members_service
from members.models import Member

Query = tuple[str, list[Any]]


async def scope_sql(principal: Principal) -> Query | None:
    """The members the principal may see (members.service.scope_filter, the one data-scope
    source) as a parameterised `SELECT id`; None: every member."""
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


async def count(query: Query) -> int:
    sql, params = query
    rows = await connections.get("default").execute_query_dict(
        f"SELECT count(*) AS n FROM ({sql}) s",  # noqa: S608 - sql comes from rules.py
        params,
    )
    return int(rows[0]["n"])


async def member_ids(query: Query, *, offset: int, limit: int) -> list[int]:
    sql, params = query
    rows = await connections.get("default").execute_query_dict(
        f"{sql} ORDER BY m.id DESC OFFSET {int(offset)} LIMIT {int(limit)}", params
    )
    return [int(r["id"]) for r in rows]


async def members_by_id(ids: list[int]) -> list[Member]:
    rows = {m.id: m for m in await Member.filter(id__in=ids)}
    return [rows[i] for i in ids if i in rows]


async def explain(query: Query) -> dict[str, int]:
    sql, params = query
    rows = await connections.get("default").execute_query_dict(sql, params)
    return {k: int(v) for k, v in rows[0].items()}
