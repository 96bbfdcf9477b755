"""Named queries of the SMS gateway: the leased queue, report matching, throughput."""

from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.functions import Count

from sms_gateway.models import MessageKind, SmsMessage, SmsPart, SmsStatus

# SKIP LOCKED lets every modem daemon claim a different message without waiting; a message whose
# parts already went out on one SIM is pinned to that modem (all parts from one SIM, gsm.md §2.3).
_CLAIM_SQL = """
WITH candidate AS (
    SELECT m.id FROM sms_message m
    WHERE m.status = 'queued' AND m.not_before <= $1
      AND (m.modem_id IS NULL OR m.modem_id = $2)
      AND ($3 OR m.kind = 'transactional')
    ORDER BY (m.modem_id IS NOT NULL) DESC, m.priority DESC, m.not_before, m.id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
UPDATE sms_message m
SET status = 'sending', modem_id = $2, lease_owner = $4, lease_until = $5,
    attempts = m.attempts + 1, updated_at = $1
FROM candidate WHERE m.id = candidate.id
RETURNING m.id
"""


def _db(connection: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return connection or connections.get("default")


async def claim_message(
    modem_id: int,
    owner: str,
    *,
    now: datetime,
    lease: timedelta,
    marketing_open: bool,
    connection: BaseDBAsyncClient | None = None,
) -> int | None:
    rows = await _db(connection).execute_query_dict(
        _CLAIM_SQL, [now, modem_id, marketing_open, owner, now + lease]
    )
    return int(rows[0]["id"]) if rows else None


async def lock_message(message_id: int, connection: BaseDBAsyncClient) -> SmsMessage:
    return await SmsMessage.select_for_update().using_db(connection).get(id=message_id)


async def expired_leases(now: datetime, connection: BaseDBAsyncClient) -> list[SmsMessage]:
    return await (
        SmsMessage.filter(status=SmsStatus.SENDING, lease_until__lt=now)
        .select_for_update(skip_locked=True)
        .using_db(connection)
    )


async def leased_by(owner: str, connection: BaseDBAsyncClient) -> list[SmsMessage]:
    return await (
        SmsMessage.filter(status=SmsStatus.SENDING, lease_owner=owner)
        .select_for_update()
        .using_db(connection)
    )


async def pinned_to(modem_id: int, connection: BaseDBAsyncClient) -> list[SmsMessage]:
    """Queued messages of which some part already went out on this modem."""
    started = await (
        SmsPart.filter(message__status=SmsStatus.QUEUED, message__modem_id=modem_id)
        .exclude(status=SmsStatus.QUEUED)
        .using_db(connection)
        .values_list("message_id", flat=True)
    )
    return await (
        SmsMessage.filter(id__in=set(started), status=SmsStatus.QUEUED)
        .select_for_update()
        .using_db(connection)
    )


async def parts_of(message_id: int, connection: BaseDBAsyncClient | None = None) -> list[SmsPart]:
    return (
        await SmsPart.filter(message_id=message_id).using_db(_db(connection)).order_by("sequence")
    )


async def matching_parts(
    modem_id: int,
    message_reference: int,
    recipient: str,
    *,
    around: datetime,
    window: timedelta,
    connection: BaseDBAsyncClient,
) -> list[SmsPart]:
    """Parts a status report may belong to; MR wraps at 255, so the time window decides."""
    return await (
        SmsPart.filter(
            modem_id=modem_id,
            message_reference=message_reference,
            recipient=recipient,
            submitted_at__gt=around - window,
            submitted_at__lt=around + window,
        )
        .select_for_update()
        .using_db(connection)
    )


async def parts_sent_since(since: datetime) -> dict[int, int]:
    rows = await (
        SmsPart.filter(submitted_at__gte=since, modem_id__isnull=False)
        .annotate(count=Count("id"))
        .group_by("modem_id")
        .values("modem_id", "count")
    )
    return {int(row["modem_id"]): int(row["count"]) for row in rows}


async def status_counts() -> dict[str, int]:
    rows = (
        await SmsMessage.all()
        .annotate(count=Count("id"))
        .group_by("status")
        .values("status", "count")
    )
    return {str(row["status"]): int(row["count"]) for row in rows}


def message_filter(*, status: str = "", kind: str = "", recipient: str = "", q: str = "") -> Q:
    query = Q()
    if q:
        # Sensitive texts are masked at rest, so a search never finds a verification code.
        query &= Q(recipient__contains=q) | Q(text__icontains=q)
    if status:
        query &= Q(status=status)
    if kind in {k.value for k in MessageKind}:
        query &= Q(kind=kind)
    if recipient:
        query &= Q(recipient__contains=recipient)
    return query


async def page(query: Any, page_number: int, page_size: int) -> tuple[int, list[Any]]:
    total = await query.count()
    items = await query.offset((page_number - 1) * page_size).limit(page_size)
    return total, list(items)
