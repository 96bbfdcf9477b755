"""Named queries of the channel; fan and QR lists are filtered by the caller's data scope."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Max
from tortoise.queryset import QuerySet

from crm_core.org.models import Staff, Store, StoreStatus
from crm_core.org.schemas import StoreRead
from crm_core.org.scope import rows_filter, visible_staff
from crm_core.permissions import Principal
from wechat.models import Direction, Fan, FanMessage, FanTag, OfficialAccount, QrCode

STAT_COLUMNS = ("scans", "new_follows", "re_follows", "unfollows")
BUMP_STAT_SQL = """INSERT INTO wechat_qrcode_daily
 (qrcode_id, day, scans, new_follows, re_follows, unfollows) VALUES ($1, $2, $3, $4, $5, $6)
 ON CONFLICT (qrcode_id, day) DO UPDATE SET scans = wechat_qrcode_daily.scans + EXCLUDED.scans,
 new_follows = wechat_qrcode_daily.new_follows + EXCLUDED.new_follows,
 re_follows = wechat_qrcode_daily.re_follows + EXCLUDED.re_follows,
 unfollows = wechat_qrcode_daily.unfollows + EXCLUDED.unfollows"""


def _assigned(principal: Principal) -> Q:
    people = visible_staff(principal)
    return Q() if people is None else Q(assigned_staff_id__in=people)


async def fans(principal: Principal) -> QuerySet[Fan]:
    """Fans of the stores and guides in scope and, on top, the fans the inbox assignment gives
    to staff in scope, so a service agent in a department without stores sees the fans assigned
    to them (own) or to their departments' staff."""
    scope = rows_filter(principal, store="store_id", staff="guide_id")
    return Fan.all() if scope is None else Fan.filter(scope | _assigned(principal))


async def assigned_fans(principal: Principal) -> QuerySet[Fan]:
    """Only the fans the inbox assignment hands to this viewer (or their departments' staff)."""
    return Fan.filter(_assigned(principal))


async def qrcodes(principal: Principal) -> QuerySet[QrCode]:
    scope = rows_filter(principal, store="store_id", staff="guide_id")
    return QrCode.all() if scope is None else QrCode.filter(scope)


async def fan_for_update(account_id: int, openid: str) -> Fan:
    """The fan row locked for this transaction, created if missing (concurrent-safe)."""
    await Fan.get_or_create(account_id=account_id, openid=openid)
    return await Fan.select_for_update().get(account_id=account_id, openid=openid)


async def bump_qr_stat(qrcode_id: int, day: Any, **deltas: int) -> None:
    """Add to one day's counters of a code in one upsert (no read-modify-write)."""
    from tortoise import connections

    counts = [deltas.get(c, 0) for c in STAT_COLUMNS]
    await connections.get("default").execute_query(BUMP_STAT_SQL, [qrcode_id, day, *counts])


async def names_of(
    store_ids: set[int], staff_ids: set[int]
) -> tuple[dict[int, str], dict[int, str]]:
    stores = dict(await Store.filter(id__in=list(store_ids)).values_list("id", "name"))
    staff = dict(await Staff.filter(id__in=list(staff_ids)).values_list("id", "name"))
    return ({int(k): str(v) for k, v in stores.items()}, {int(k): str(v) for k, v in staff.items()})


async def tags_of(account_id: int, names: list[str]) -> list[FanTag]:
    return await FanTag.filter(account_id=account_id, name__in=names)


async def active_accounts() -> list[OfficialAccount]:
    return await OfficialAccount.filter(is_active=True).order_by("id")


EVENT_COLUMNS = (
    "account_id",
    "dedupe_key",
    "openid",
    "msg_type",
    "event",
    "event_key",
    "msg_id",
    "create_time",
    "xml",
    "reply",
    "received_at",
)
_INSERT_EVENT = (
    "INSERT INTO wechat_inbound_event (account_id, dedupe_key, openid, msg_type, event, "
    "event_key, msg_id, create_time, xml, reply, received_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
)
# Many deliveries in one statement (group commit): one round trip and one WAL flush for all.
# Rows go in dedupe-key order (the caller sorts), so two processes inserting overlapping
# batches take the unique-index locks in the same order and cannot deadlock.
_INSERT_EVENTS = (
    "INSERT INTO wechat_inbound_event (account_id, dedupe_key, openid, msg_type, event, "
    "event_key, msg_id, create_time, xml, reply, received_at) "
    "SELECT account_id, dedupe_key, openid, msg_type, event, event_key, msg_id, create_time, "
    "xml, reply, received_at FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], "
    "$5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], "
    "$11::timestamptz[]) WITH ORDINALITY AS batch (account_id, dedupe_key, openid, msg_type, "
    "event, event_key, msg_id, create_time, xml, reply, received_at, position) "
    "ORDER BY position ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key"
)


async def insert_event_once(**values: object) -> int | None:
    """One autocommitted statement; the new row's id, None when the dedupe key was stored."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(
        _INSERT_EVENT, [values[column] for column in EVENT_COLUMNS]
    )
    return int(rows[0]["id"]) if rows else None


@contextlib.asynccontextmanager
async def held_connection() -> AsyncIterator[Any]:
    """A pooled connection kept for a run of statements: the pool resets a connection each time
    it is released (one more round trip), which a busy writer should not pay per statement."""
    from tortoise import connections

    async with connections.get("default").acquire_connection() as connection:
        yield connection


async def insert_events_once(
    rows: list[dict[str, object]], connection: Any = None
) -> dict[str, int]:
    """One autocommitted statement for many events with distinct dedupe keys; the ids of the
    rows inserted by dedupe key (the others were already stored). On `connection` if given,
    else from the pool."""
    from tortoise import connections

    arrays = [[row[column] for row in rows] for column in EVENT_COLUMNS]
    if connection is None:
        inserted = await connections.get("default").execute_query_dict(_INSERT_EVENTS, arrays)
    else:
        inserted = await connection.fetch(_INSERT_EVENTS, *arrays)
    return {str(item["dedupe_key"]): int(item["id"]) for item in inserted}


# The relay's claim: one statement picks the oldest undispatched rows (skipping rows another
# relay holds) and marks them, instead of a SELECT … FOR UPDATE and an UPDATE … IN (…).
_CLAIM_EVENTS = (
    "UPDATE wechat_inbound_event SET dispatched_at = $2 WHERE id IN (SELECT id FROM "
    "wechat_inbound_event WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 "
    "FOR UPDATE SKIP LOCKED) RETURNING id"
)


_CLAIM_GIVEN_EVENTS = (
    "UPDATE wechat_inbound_event SET dispatched_at = $2 WHERE id = ANY($1::bigint[]) "
    "AND dispatched_at IS NULL RETURNING id"
)


async def claim_given_events(ids: list[int], now: object) -> list[int]:
    """Mark these events dispatched unless already; the ids marked, ascending. Primary-key
    lookups only: the relay's fast path for the events its own process just stored."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(_CLAIM_GIVEN_EVENTS, [ids, now])
    return sorted(int(row["id"]) for row in rows)


async def claim_undispatched_events(limit: int, now: object) -> list[int]:
    """Mark up to `limit` undispatched events dispatched at `now`; their ids, ascending."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(_CLAIM_EVENTS, [limit, now])
    return sorted(int(row["id"]) for row in rows)


async def release_events(ids: list[int]) -> None:
    """Undo a claim whose publish failed, so the next sweep hands the events out again."""
    from tortoise import connections

    await connections.get("default").execute_query(
        "UPDATE wechat_inbound_event SET dispatched_at = NULL WHERE id = ANY($1::bigint[])", [ids]
    )


async def open_stores() -> list[StoreRead]:
    rows = await Store.filter(status=StoreStatus.OPEN).order_by("code")
    return [StoreRead.model_validate(store) for store in rows]


async def last_location_label(account_id: int, openid: str) -> str:
    """The address label of the last location the fan sent (WeChat's location message)."""
    message = (
        await FanMessage.filter(
            fan__account_id=account_id, fan__openid=openid, direction=Direction.IN
        )
        .filter(msg_type="location")
        .order_by("-id")
        .first()
    )
    return str(message.payload.get("Label", "")) if message else ""


async def staff_reply_waiting(fan_ids: list[int]) -> set[int]:
    """Fans whose last message came after the last reply a person sent them."""
    last_in = dict(
        await FanMessage.filter(fan_id__in=fan_ids, direction=Direction.IN)
        .annotate(last=Max("id"))
        .group_by("fan_id")
        .values_list("fan_id", "last")
    )
    last_reply = dict(
        await FanMessage.filter(
            fan_id__in=fan_ids, direction=Direction.OUT, staff_id__not_isnull=True
        )
        .annotate(last=Max("id"))
        .group_by("fan_id")
        .values_list("fan_id", "last")
    )
    return {int(f) for f, last in last_in.items() if last > last_reply.get(f, 0)}


_UNREAD_SQL = (
    "SELECT m.fan_id, count(*) AS unread FROM wechat_fan_message m "
    "JOIN wechat_fan f ON f.id = m.fan_id WHERE m.fan_id = ANY($1::int[]) "
    "AND m.direction = 'in' AND m.id > coalesce(f.read_message_id, 0) GROUP BY m.fan_id"
)
_LATEST_SQL = (
    "SELECT DISTINCT ON (fan_id) id FROM wechat_fan_message WHERE fan_id = ANY($1::int[]) "
    "ORDER BY fan_id, id DESC"
)


async def unread_counts(fan_ids: list[int]) -> dict[int, int]:
    """Inbound messages after each fan's read marker."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(_UNREAD_SQL, [fan_ids])
    return {int(row["fan_id"]): int(row["unread"]) for row in rows}


async def latest_messages(fan_ids: list[int]) -> dict[int, FanMessage]:
    """Each fan's newest message, in or out, in two indexed queries."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(_LATEST_SQL, [fan_ids])
    found = await FanMessage.filter(id__in=[int(row["id"]) for row in rows])
    return {message.fan_id: message for message in found}


async def mark_read(fan_id: int) -> None:
    """Move the read marker to the fan's newest inbound message (never backwards)."""
    newest = (
        await FanMessage.filter(fan_id=fan_id, direction=Direction.IN)
        .annotate(last=Max("id"))
        .group_by("fan_id")
        .values_list("last", flat=True)
    )
    if newest:
        await Fan.filter(
            Q(read_message_id__isnull=True) | Q(read_message_id__lt=newest[0]), id=fan_id
        ).update(read_message_id=newest[0])


async def qrcode_names(qrcode_ids: set[int]) -> dict[int, str]:
    rows = await QrCode.filter(id__in=list(qrcode_ids)).values_list("id", "name")
    return {int(str(k)): str(v) for k, v in rows}
