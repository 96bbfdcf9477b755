"""Member tasks: each one service call."""

from crm_core.celery import task
from members import customer_links, service


@task("members.on_fan_subscribed")
async def on_fan_subscribed(
    fan_id: int,
    event_id: int,
    kind: str,
    qrcode_id: int | None = None,
    store_id: int | None = None,
    guide_id: int | None = None,
    channel: str = "",
) -> int:
    return await service.on_fan_subscribed(
        fan_id=fan_id,
        event_id=event_id,
        kind=kind,
        qrcode_id=qrcode_id,
        store_id=store_id,
        guide_id=guide_id,
        channel=channel,
    )


@task("members.link_customer")
async def link_customer(member_id: int) -> str:
    """Enqueued when a member's phone is verified: link the customer with that phone."""
    return await customer_links.link_customer(member_id)


@task("members.backfill_customer_links")
async def backfill_customer_links(override_undo: bool = False) -> dict[str, int]:
    return await customer_links.backfill(override_undo=override_undo)
