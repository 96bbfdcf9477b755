import asyncio

from campaigns import tasks
from campaigns.models import CareEvent
from campaigns.sends.models import Delivery


async def test_care_events_are_stored_once_per_delivery() -> None:
    ids = await asyncio.gather(*(tasks.on_points_changed(entry_id=7) for _ in range(3)))
    assert len(set(ids)) == 1
    await tasks.on_tier_changed(member_id=1, from_tier_id=None, to_tier_id=2)
    rows = await CareEvent.all().values_list("name", "payload")
    assert rows == [
        ("points_changed", {"entry_id": 7}),
        ("tier_changed", {"member_id": 1, "from_tier_id": None, "to_tier_id": 2}),
    ]
    # Handled once each; care messages are off, so nothing was queued.
    assert await CareEvent.filter(handled_at__isnull=True).count() == 0
    assert await Delivery.all().count() == 0


def test_every_published_loyalty_event_has_a_consumer() -> None:
    from crm_core.celery import app
    from loyalty import events

    published = {value for name, value in vars(events).items() if name.isupper()}
    published.add("campaigns.on_purchase_recorded")
    assert published <= set(app.tasks)
