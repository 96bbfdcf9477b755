"""Attribution: the first touch is kept forever, the last touch follows every attributed one."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Touch:
    store_id: int | None
    guide_id: int | None
    channel: str
    at: datetime

    @property
    def attributed(self) -> bool:
        return self.store_id is not None or self.guide_id is not None or bool(self.channel)


def attribution_changes(*, has_first_touch: bool, touch: Touch) -> dict[str, object]:
    if not touch.attributed:
        return {}
    last: dict[str, object] = {"last_store_id": touch.store_id, "last_guide_id": touch.guide_id,
            "last_channel": touch.channel, "last_touch_at": touch.at}
    if has_first_touch:
        return last
    return {"first_store_id": touch.store_id, "first_guide_id": touch.guide_id,
            "first_channel": touch.channel, "first_touch_at": touch.at, **last}
