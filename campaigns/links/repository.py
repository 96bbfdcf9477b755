"""Named queries of tracked links and their clicks."""

from datetime import datetime

from tortoise import connections

from campaigns.links.models import LinkClick, TrackedLink
from campaigns.sends.models import Delivery, DeliveryStatus

# A click is news for a row WeChat or the modem already took; never a step back (failed, ...).
CLICKABLE = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ)


async def ensure_link(
    key: str, code: str, url: str, delivery_id: int | None, campaign_id: int | None, now: datetime
) -> str:
    """The code of the link under `key`: this new one, or the one a first attempt stored."""
    rows = await connections.get("default").execute_query_dict(
        "INSERT INTO campaigns_link (key, code, url, delivery_id, campaign_id, clicks, created_at)"
        " VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (key) DO NOTHING RETURNING code",
        [key, code, url, delivery_id, campaign_id, now],
    )
    if rows:
        return str(rows[0]["code"])
    return str((await TrackedLink.get(key=key)).code)


async def by_code(code: str) -> TrackedLink | None:
    return await TrackedLink.get_or_none(code=code)


async def add_click(link: TrackedLink, user_agent: str, now: datetime) -> None:
    await connections.get("default").execute_query(
        "UPDATE campaigns_link SET clicks = clicks + 1,"
        " first_clicked_at = COALESCE(first_clicked_at, $2) WHERE id = $1",
        [link.id, now],
    )
    await LinkClick.create(
        link_id=link.id,
        delivery_id=link.delivery_id,
        campaign_id=link.campaign_id,
        clicked_at=now,
        user_agent=user_agent,
    )


async def mark_delivery_clicked(delivery_id: int, now: datetime) -> bool:
    """The member's first click: `clicked_at`, and the status `clicked` when that is forward."""
    first = await Delivery.filter(id=delivery_id, clicked_at__isnull=True).update(
        clicked_at=now, updated_at=now
    )
    if first:
        await Delivery.filter(id=delivery_id, status__in=CLICKABLE).update(
            status=DeliveryStatus.CLICKED
        )
    return bool(first)


async def campaign_clicks(campaign_id: int) -> int:
    return await LinkClick.filter(campaign_id=campaign_id).count()
