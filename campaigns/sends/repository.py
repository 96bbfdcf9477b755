"""Named queries of the delivery ledger."""

import re
from datetime import datetime

from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from campaigns.sends import rules
from campaigns.sends.models import Delivery, DeliveryStatus
from campaigns.sends.rules import Channel
from sms_gateway.models import SmsMessage, SmsStatus

# A row counts against caps and quota from the moment a worker starts sending it.
COUNTED = (
    DeliveryStatus.SENDING,
    DeliveryStatus.BATCHED,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
    DeliveryStatus.CLICKED,
)
# Past delivery: a late delivery report fills in the time but does not move these back.
BEYOND_DELIVERED = (DeliveryStatus.READ, DeliveryStatus.CLICKED)


async def member_contacts(member_ids: list[int]) -> dict[int, str | None]:
    """Bound phone of each member that exists and was not merged away (the others left out)."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT id, phone FROM members_member WHERE id = ANY($1::int[]) AND merged_into_id IS NULL",
        [member_ids],
    )
    return {int(row["id"]): row["phone"] for row in rows}


async def member_contact(member_id: int) -> tuple[bool, str | None]:
    """(exists and not merged away, bound phone)."""
    contacts = await member_contacts([member_id])
    return member_id in contacts, contacts.get(member_id)


async def used_by_channels(
    member_ids: list[int], now: datetime
) -> dict[int, dict[Channel, tuple[int, int]]]:
    """Per member: channel -> (sent today, sent this week)."""
    day, week = rules.day_start(now), rules.week_start(now)
    rows = await connections.get("default").execute_query(
        "SELECT member_id, channel, sent_at FROM campaigns_delivery"
        " WHERE member_id = ANY($1::int[]) AND status = ANY($2::text[]) AND sent_at >= $3"
        " AND channel <> ''",
        [member_ids, [str(status) for status in COUNTED], min(day, week)],
    )
    used: dict[int, dict[Channel, tuple[int, int]]] = {}
    for member_id, channel, sent_at in rows[1]:
        of_member = used.setdefault(int(member_id), {})
        today, this_week = of_member.get(Channel(channel), (0, 0))
        of_member[Channel(channel)] = (today + (sent_at >= day), this_week + (sent_at >= week))
    return used


async def used_by_channel(member_id: int, now: datetime) -> dict[Channel, tuple[int, int]]:
    return (await used_by_channels([member_id], now)).get(member_id, {})


async def mass_used(fan_ids: list[int], now: datetime) -> dict[int, int]:
    """Mass sends this month per fan (fans with none left out)."""
    rows = (
        await Delivery.filter(
            fan_id__in=fan_ids,
            channel=Channel.MASS,
            status__in=COUNTED,
            sent_at__gte=rules.month_start(now),
        )
        .annotate(n=Count("id"))
        .group_by("fan_id")
        .values_list("fan_id", "n")
    )
    return {int(fan_id): int(n) for fan_id, n in rows}


async def record_sent(rows: list[Delivery]) -> None:
    """What sending changed on these rows, in one UPDATE."""
    if not rows:
        return
    await connections.get("default").execute_query(
        """
        UPDATE campaigns_delivery d SET status = v.status, channel = v.channel,
            fan_id = v.fan_id, sent_at = v.sent_at, updated_at = v.updated_at,
            wechat_msgid = v.wechat_msgid, sms_message_id = v.sms_message_id,
            error_code = v.error_code, error_message = v.error_message, excluded = v.excluded
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[],
            $6::timestamptz[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[])
            AS v(id, status, channel, fan_id, sent_at, updated_at, wechat_msgid, sms_message_id,
                 error_code, error_message, excluded)
        WHERE d.id = v.id
        """,
        [
            [row.id for row in rows],
            [DeliveryStatus(row.status).value for row in rows],
            [str(row.channel) for row in rows],
            [row.fan_id for row in rows],
            [row.sent_at for row in rows],
            [row.updated_at for row in rows],
            [row.wechat_msgid for row in rows],
            [row.sms_message_id for row in rows],
            [row.error_code for row in rows],
            [row.error_message for row in rows],
            [row.excluded for row in rows],
        ],
    )


async def lock(delivery_id: int) -> Delivery | None:
    return await Delivery.select_for_update().get_or_none(id=delivery_id)


def due_deferred(now: datetime) -> QuerySet[Delivery]:
    return Delivery.filter(
        status=DeliveryStatus.DEFERRED, not_before__lte=now, campaign_id__isnull=True
    )


async def requeue_due_campaign_rows(now: datetime) -> list[int]:
    """Campaign rows whose hour has come, queued again (one UPDATE); the campaigns they are in."""
    rows = await connections.get("default").execute_query_dict(
        "UPDATE campaigns_delivery SET status = 'queued', updated_at = $1"
        " WHERE status = 'deferred' AND not_before <= $1 AND campaign_id IS NOT NULL"
        " RETURNING campaign_id",
        [now],
    )
    return sorted({int(r["campaign_id"]) for r in rows})


async def lost_ids(idle_since: datetime, lease_start: datetime, limit: int) -> list[int]:
    """Single messages no task holds, oldest first: queued and untouched since `idle_since` (a
    publish after commit that never happened, a retry lost with its worker), or claimed before
    `lease_start` by a worker that died."""
    rows = (
        await Delivery.filter(
            Q(status=DeliveryStatus.QUEUED)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=lease_start),
            updated_at__lt=idle_since,
            campaign_id__isnull=True,  # a campaign's senders reclaim its rows (campaigns.mass)
        )
        .order_by("updated_at", "id")
        .limit(limit)
        .values("id")
    )
    return [int(row["id"]) for row in rows]


async def touch(ids: list[int], idle_since: datetime, now: datetime) -> None:
    """Re-enqueued now: the sweep leaves these rows alone for another `requeue_after`."""
    await Delivery.filter(id__in=ids, updated_at__lt=idle_since).update(updated_at=now)


def ledger_filter(
    *, status: str, channel: str, kind: str, member_id: int | None, intent_key: str
) -> Q:
    query = Q()
    if status:
        query &= Q(status=status)
    if channel:
        query &= Q(channel=channel)
    if kind:
        query &= Q(kind=kind)
    if member_id is not None:
        query &= Q(member_id=member_id)
    if campaign := re.fullmatch(r"campaign:(\d+)", intent_key):
        # A campaign's rows by the indexed campaign id (the intent key is not indexed).
        query &= Q(campaign_id=int(campaign.group(1)))
    elif intent_key:
        query &= Q(intent_key=intent_key)
    return query


async def page(query: QuerySet[Delivery], page: int, page_size: int) -> tuple[int, list[Delivery]]:
    total = await query.count()
    items = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return total, items


async def sms_awaiting_report(since: datetime) -> dict[int, int]:
    """SMS id -> delivery id, for SMS rows handed to the gateway since `since` and not yet
    reported (a row clicked before its report still waits for the delivery time)."""
    rows = await Delivery.filter(
        Q(status=DeliveryStatus.SENT) | Q(status=DeliveryStatus.CLICKED, delivered_at=None),
        channel=Channel.SMS,
        sms_message_id__not_isnull=True,
        sent_at__gte=since,
    ).values_list("sms_message_id", "id")
    return {int(sms_id): int(delivery_id) for sms_id, delivery_id in rows}


async def sms_outcomes(sms_ids: list[int]) -> list[tuple[int, str, str, datetime | None]]:
    rows = await SmsMessage.filter(
        id__in=sms_ids, status__in=(SmsStatus.DELIVERED, SmsStatus.FAILED)
    ).values_list("id", "status", "error_code", "delivered_at")
    return [(int(i), str(status), str(code), at) for i, status, code, at in rows]


async def mark_delivered(rows: QuerySet[Delivery], delivered_at: datetime, now: datetime) -> int:
    """Sent rows become delivered; rows already read or clicked keep their status and get the
    time only. Never a step back."""
    moved = await rows.filter(status=DeliveryStatus.SENT).update(
        status=DeliveryStatus.DELIVERED, delivered_at=delivered_at, updated_at=now
    )
    late = await rows.filter(status__in=BEYOND_DELIVERED, delivered_at__isnull=True).update(
        delivered_at=delivered_at, updated_at=now
    )
    return int(moved) + int(late)


async def mark_failed(rows: QuerySet[Delivery], now: datetime, **error: str) -> int:
    """Sent rows become failed with the channel's `error_code` (and `error_message`)."""
    return await rows.filter(status=DeliveryStatus.SENT).update(
        status=DeliveryStatus.FAILED, updated_at=now, **error
    )


def template_rows(msg_id: int) -> QuerySet[Delivery]:
    return Delivery.filter(channel=Channel.TEMPLATE, wechat_msgid=msg_id)


async def tracking_counts(campaign_id: int) -> tuple[int, int]:
    """(rows delivered, rows clicked) of a campaign, whatever their status now."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(delivered_at) AS delivered, count(clicked_at) AS clicked"
        " FROM campaigns_delivery WHERE campaign_id = $1",
        [campaign_id],
    )
    return int(rows[0]["delivered"]), int(rows[0]["clicked"])
