"""Use cases of the campaigns package (so far: receiving care events from loyalty and sales)."""

import json
from typing import Any

from tortoise.exceptions import IntegrityError

from campaigns.care import service as care
from campaigns.models import CareEvent
from crm_core import clock


def dedupe_key(name: str, payload: dict[str, Any]) -> str:
    return f"{name}:{json.dumps(payload, sort_keys=True, default=str)}"[:255]


async def record_event(name: str, payload: dict[str, Any]) -> int:
    """Store the event for the care-message engine; a redelivery returns the first row's id."""
    key = dedupe_key(name, payload)
    try:
        event = await CareEvent.create(
            name=name, dedupe_key=key, payload=payload, received_at=clock.utc_now()
        )
    except IntegrityError:
        event = await CareEvent.get(dedupe_key=key)
    return int(event.id)


async def receive_event(name: str, payload: dict[str, Any]) -> int:
    """Store the event, then queue its care message (if that care type is on)."""
    event_id = await record_event(name, payload)
    await care.handle_event(event_id)
    return event_id
