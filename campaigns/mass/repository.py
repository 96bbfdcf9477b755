"""Named queries of mass campaigns: freezing recipients, picking and numbering the mass-send
batches, claiming rows for the senders, and progress. Set-based: a campaign may hold 1M rows."""

from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from campaigns.mass.models import Campaign, CampaignStatus
from campaigns.sends.models import Delivery, DeliveryStatus
from campaigns.sends.repository import COUNTED

_COUNTED = ", ".join(f"'{s.value}'" for s in COUNTED)


def _db(connection: BaseDBAsyncClient | None = None) -> BaseDBAsyncClient:
    return connection or connections.get("default")


def intent_key(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


async def freeze(
    campaign_id: int,
    members_sql: str,
    params: list[Any],
    now: datetime,
    connection: BaseDBAsyncClient,
) -> int:
    """One `INSERT … SELECT`: every member the segment selects now becomes a queued row.
    A repeat (a redelivered task) inserts nothing twice."""
    n = len(params)
    sql = f"""
        INSERT INTO campaigns_delivery (
            idempotency_key, intent_key, kind, member_id, campaign_id, channel, status, reason,
            error_code, error_message, content, excluded, attempts, created_at, updated_at)
        SELECT ${n + 2} || s.id, ${n + 3}, 'campaign', s.id, ${n + 1}, '', 'queued', '', '', '',
            '{{}}', '', 0, ${n + 4}, ${n + 4}
        FROM ({members_sql}) s
        ON CONFLICT (idempotency_key) DO NOTHING
    """  # noqa: S608 - members_sql is compiled by campaigns.segments.rules, values are $n
    key = intent_key(campaign_id)
    count, _ = await connection.execute_query(sql, [*params, campaign_id, f"{key}:", key, now])
    return int(count)


async def analyze_ledger() -> None:
    """Fresh planner statistics once a freeze has committed: with the old ones (no rows of
    this campaign) the batching query plans nested loops that never finish at 1M rows."""
    await _db().execute_script("ANALYZE campaigns_delivery")


async def recipients(campaign_id: int, connection: BaseDBAsyncClient | None = None) -> int:
    rows = await _db(connection).execute_query_dict(
        "SELECT count(*) AS n FROM campaigns_delivery WHERE campaign_id = $1", [campaign_id]
    )
    return int(rows[0]["n"])


# One range of a campaign's frozen rows (ids are consecutive within a campaign: one INSERT), each
# with the fan a mass send reaches now, or none: subscribed, not blacklisted, on an active
# account, the latest follower when a member has several; not when the phone opted out, the
# fan's monthly quota or the member's mass caps are used up (the router then records why).
# Index probes per row (wechat_fan.member_id, the ledger's (fan_id|member_id, channel, sent_at)),
# so a chunk costs the same at the start and at the end of a 1M campaign.
_MASS_CHUNK = f"""
    WITH chunk AS (
        SELECT id, member_id FROM campaigns_delivery
        WHERE id > $2 AND id <= $3 AND campaign_id = $1 AND status = 'queued' AND excluded = ''
    )
    SELECT chunk.id, f.fan_id, f.account_id, f.openid
    FROM chunk
    JOIN members_member m ON m.id = chunk.member_id AND m.merged_into_id IS NULL
    JOIN LATERAL (
        SELECT f.id AS fan_id, f.account_id, f.openid
        FROM wechat_fan f JOIN wechat_account a ON a.id = f.account_id AND a.is_active
        WHERE f.member_id = chunk.member_id AND f.subscribed AND NOT f.blacklisted
        ORDER BY f.subscribed_at DESC NULLS LAST, f.id DESC LIMIT 1
    ) f ON true
    WHERE NOT EXISTS (SELECT 1 FROM sms_suppression s WHERE s.phone = m.phone)
      AND (SELECT count(*) FROM campaigns_delivery u
           WHERE u.fan_id = f.fan_id AND u.channel = 'mass' AND u.status IN ({_COUNTED})
             AND u.sent_at >= $4) < $5
      AND (SELECT count(*) FROM campaigns_delivery u
           WHERE u.member_id = chunk.member_id AND u.channel = 'mass'
             AND u.status IN ({_COUNTED}) AND u.sent_at >= $6) < $7
      AND (SELECT count(*) FROM campaigns_delivery u
           WHERE u.member_id = chunk.member_id AND u.channel = 'mass'
             AND u.status IN ({_COUNTED}) AND u.sent_at >= $8) < $9
    ORDER BY chunk.id
"""  # noqa: S608 - constants only


async def row_range(campaign_id: int) -> tuple[int, int] | None:
    """The first and last ledger id of the campaign's frozen rows."""
    rows = await _db().execute_query_dict(
        "SELECT min(id) AS low, max(id) AS high FROM campaigns_delivery WHERE campaign_id = $1",
        [campaign_id],
    )
    if rows[0]["low"] is None:
        return None
    return int(rows[0]["low"]), int(rows[0]["high"])


async def mass_chunk(
    campaign_id: int,
    after: int,
    upto: int,
    *,
    month_start: datetime,
    day_start: datetime,
    week_start: datetime,
    per_month: int,
    cap: tuple[int, int],
) -> list[dict[str, Any]]:
    """Queued rows with ids in (after, upto] a mass send may reach now, with fan and openid."""
    return await _db().execute_query_dict(
        _MASS_CHUNK,
        [
            campaign_id,
            after,
            upto,
            month_start,
            per_month,
            day_start,
            cap[0],
            week_start,
            cap[1],
        ],
    )


async def mark_mass_sent(
    ids: list[int], fan_ids: list[int], batch_no: int, msg_id: int | None, now: datetime
) -> int:
    """The rows of one mass send: written once, straight to `sent`."""
    count, _ = await _db().execute_query(
        "UPDATE campaigns_delivery d SET status = 'sent', channel = 'mass', fan_id = u.fan_id,"
        " batch_no = $3, wechat_msgid = $4, sent_at = $5, updated_at = $5"
        " FROM unnest($1::bigint[], $2::int[]) AS u(id, fan_id)"
        " WHERE d.id = u.id AND d.status = 'queued'",
        [ids, fan_ids, batch_no, msg_id, now],
    )
    return int(count)


async def exclude_mass(ids: list[int], error_code: str, now: datetime) -> int:
    """Rows a mass send cannot take (a lone fan of an account, a refused call): the router
    sends them on another channel."""
    count, _ = await _db().execute_query(
        "UPDATE campaigns_delivery SET"
        " excluded = CASE WHEN excluded = '' THEN 'mass' ELSE excluded || ',mass' END,"
        " error_code = CASE WHEN $2 = '' THEN error_code ELSE $2 END, updated_at = $3"
        " WHERE id = ANY($1::bigint[]) AND status = 'queued'",
        [ids, error_code, now],
    )
    return int(count)


# Rows the router already sent to the mass channel (the auto plan), waiting for a batch.
_ROUTED_CANDIDATES = """
    candidates AS (
        SELECT d.id, d.fan_id, f.account_id
        FROM campaigns_delivery d JOIN wechat_fan f ON f.id = d.fan_id
        WHERE d.campaign_id = $1 AND d.status = 'batched' AND d.batch_no IS NULL
    )
"""

# Equal batches of at most $size per account (campaigns.mass.rules.batch_of), numbered on from
# the campaign's last batch; an account with one fan gets no batch (WeChat refuses one openid).
_NUMBERING = """
    numbered AS (
        SELECT id, fan_id, account_id,
            row_number() OVER (PARTITION BY account_id ORDER BY id) - 1 AS pos,
            count(*) OVER (PARTITION BY account_id) AS total
        FROM candidates
    ),
    local AS (
        SELECT id, fan_id, account_id,
            pos * ((total + {size} - 1) / {size}) / total AS batch
        FROM numbered WHERE total >= 2
    ),
    global AS (
        SELECT id, fan_id,
            dense_rank() OVER (ORDER BY account_id, batch) - 1 + {offset} AS batch_no
        FROM local
    )
    UPDATE campaigns_delivery d
    SET status = 'batched', channel = 'mass', fan_id = global.fan_id,
        batch_no = global.batch_no, updated_at = {now}
    FROM global WHERE d.id = global.id
"""


async def next_batch_no(campaign_id: int) -> int:
    rows = await _db().execute_query_dict(
        "SELECT coalesce(max(batch_no) + 1, 0) AS n FROM campaigns_delivery WHERE campaign_id = $1",
        [campaign_id],
    )
    return int(rows[0]["n"])


async def number_routed_batches(campaign_id: int, *, size: int, now: datetime) -> int:
    """Auto plan: rows the router sent to mass, numbered into batches."""
    offset = await next_batch_no(campaign_id)
    numbering = _NUMBERING.format(size=int(size), offset=int(offset), now="$2")
    count, _ = await _db().execute_query(
        f"WITH {_ROUTED_CANDIDATES}, {numbering}", [campaign_id, now]
    )
    return int(count)


async def lone_routed(campaign_id: int) -> list[int]:
    """Batched rows left without a batch: the only fan of their account in this campaign."""
    rows = await _db().execute_query_dict(
        "SELECT id FROM campaigns_delivery WHERE campaign_id = $1 AND status = 'batched'"
        " AND batch_no IS NULL",
        [campaign_id],
    )
    return [int(r["id"]) for r in rows]


async def pending_batches(campaign_id: int) -> list[int]:
    rows = await _db().execute_query_dict(
        "SELECT DISTINCT batch_no FROM campaigns_delivery"
        " WHERE campaign_id = $1 AND status = 'batched' AND batch_no IS NOT NULL ORDER BY 1",
        [campaign_id],
    )
    return [int(r["batch_no"]) for r in rows]


async def batch_members(campaign_id: int, batch_no: int) -> tuple[int, list[str]]:
    """(account id, openids) of one batch's rows still waiting."""
    rows = await _db().execute_query_dict(
        "SELECT f.account_id, f.openid FROM campaigns_delivery d"
        " JOIN wechat_fan f ON f.id = d.fan_id"
        " WHERE d.campaign_id = $1 AND d.batch_no = $2 AND d.status = 'batched' ORDER BY d.id",
        [campaign_id, batch_no],
    )
    if not rows:
        return 0, []
    return int(rows[0]["account_id"]), [str(r["openid"]) for r in rows]


async def mark_batch(campaign_id: int, batch_no: int, *, msg_id: int | None, now: datetime) -> int:
    count, _ = await _db().execute_query(
        "UPDATE campaigns_delivery SET status = 'sent', wechat_msgid = $3, sent_at = $4,"
        " updated_at = $4 WHERE campaign_id = $1 AND batch_no = $2 AND status = 'batched'",
        [campaign_id, batch_no, msg_id, now],
    )
    return int(count)


_UNBATCH = """
    UPDATE campaigns_delivery SET status = 'queued', channel = '', batch_no = NULL, sent_at = NULL,
        excluded = CASE WHEN excluded = '' THEN 'mass' ELSE excluded || ',mass' END,
        error_code = CASE WHEN $3 = '' THEN error_code ELSE $3 END, updated_at = $4
    WHERE campaign_id = $1 AND status = 'batched' AND """
_UNBATCH_ONE = _UNBATCH + "batch_no = $2"
_UNBATCH_LONE = _UNBATCH + "batch_no IS NULL AND $2::int IS NULL"


async def unbatch(campaign_id: int, batch_no: int | None, error_code: str, now: datetime) -> int:
    """A batch WeChat refused (or a lone fan) goes back to the per-row router without mass."""
    count, _ = await _db().execute_query(
        _UNBATCH_ONE if batch_no is not None else _UNBATCH_LONE,
        [campaign_id, batch_no, error_code, now],
    )
    return int(count)


async def claim(
    campaign_id: int, *, limit: int, now: datetime, stale_before: datetime
) -> list[Delivery]:
    """Rows for one sender, in id order: queued ones, or ones whose sender died (claimed before
    the lease). The claim's UPDATE returns them whole (no second read)."""
    rows = await _db().execute_query_dict(
        """
        UPDATE campaigns_delivery d SET status = 'sending', claimed_at = $2,
            attempts = d.attempts + 1, updated_at = $2
        WHERE d.id IN (
            SELECT id FROM campaigns_delivery
            WHERE campaign_id = $1
              AND (status = 'queued' OR (status = 'sending' AND claimed_at < $3))
            ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING d.*
        """,
        [campaign_id, now, stale_before, limit],
    )
    return sorted((Delivery._init_from_db(**row) for row in rows), key=lambda row: row.id)


async def release(ids: list[int], status: DeliveryStatus, now: datetime) -> int:
    if not ids:
        return 0
    count, _ = await _db().execute_query(
        "UPDATE campaigns_delivery SET status = $2, updated_at = $3"
        " WHERE id = ANY($1::bigint[]) AND status = 'sending'",
        [ids, status.value, now],
    )
    return int(count)


async def cancel_rows(campaign_id: int, now: datetime) -> int:
    count, _ = await _db().execute_query(
        "UPDATE campaigns_delivery SET status = 'cancelled', reason = 'campaign_cancelled',"
        " updated_at = $2 WHERE campaign_id = $1"
        " AND status IN ('queued', 'deferred', 'batched')",
        [campaign_id, now],
    )
    return int(count)


async def counts(campaign_id: int) -> list[dict[str, Any]]:
    return await _db().execute_query_dict(
        "SELECT status, channel, reason, count(*) AS n FROM campaigns_delivery"
        " WHERE campaign_id = $1 GROUP BY status, channel, reason",
        [campaign_id],
    )


async def open_work(campaign_id: int, stale_before: datetime) -> dict[str, int]:
    """What still needs a sender: claimable rows, rows held by live senders, deferred rows and
    batched rows."""
    rows = await _db().execute_query_dict(
        """
        SELECT
          count(*) FILTER (WHERE status = 'queued'
              OR (status = 'sending' AND claimed_at < $2)) AS claimable,
          count(*) FILTER (WHERE status = 'sending' AND claimed_at >= $2) AS sending,
          count(*) FILTER (WHERE status = 'deferred') AS deferred,
          count(*) FILTER (WHERE status = 'batched') AS batched
        FROM campaigns_delivery WHERE campaign_id = $1
          AND status IN ('queued', 'sending', 'deferred', 'batched')
        """,
        [campaign_id, stale_before],
    )
    return {k: int(v) for k, v in rows[0].items()}


async def transition(
    campaign_id: int,
    source: frozenset[CampaignStatus],
    target: CampaignStatus,
    now: datetime,
    **values: Any,
) -> bool:
    """Compare-and-set on the status: two clicks on 开始发送 start one campaign."""
    return bool(
        await Campaign.filter(id=campaign_id, status__in=list(source)).update(
            status=target, updated_at=now, **values
        )
    )


async def status_of(campaign_id: int) -> CampaignStatus | None:
    rows = await _db().execute_query_dict(
        "SELECT status FROM campaigns_campaign WHERE id = $1", [campaign_id]
    )
    return CampaignStatus(rows[0]["status"]) if rows else None
