"""Pool test helpers: rules, principals, a snapshot of everything the pool may change."""

from datetime import UTC, datetime

from tortoise import connections

from crm_core import clock
from crm_core.customers.models import CustomerLevel
from crm_core.customers.pool.models import PoolRule
from crm_core.org.models import Staff
from crm_core.org.service.auth import principal_for
from crm_core.permissions import Principal

# 09:00 in Shanghai: a working morning, the same wall time every day of a test.
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def set_rule(
    level: str, follow_up: int | None, deal: int | None = None, *, enabled: bool = True
) -> None:
    await PoolRule.create(
        level=CustomerLevel(level),
        enabled=enabled,
        no_follow_up_days=follow_up,
        no_deal_days=deal,
        updated_at=clock.utc_now(),
    )


async def principal(staff: Staff) -> Principal:
    found = await principal_for(staff.id)
    assert found is not None
    return found


async def snapshot() -> dict[str, str]:
    """A digest of every table a pool write touches: equal before and after = nothing changed."""
    db = connections.get("default")
    tables = (
        "crm_customer",
        "crm_customer_transfer",
        "crm_follow_up",
        "crm_contact",
        "crm_pool_rule",
        "crm_pool_setting",
        "crm_pool_reminder",
        "audit_log",
    )
    result = {}
    for table in tables:
        rows = await db.execute_query_dict(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h "  # noqa: S608
            f"FROM {table} t"
        )
        result[table] = rows[0]["h"]
    return result
