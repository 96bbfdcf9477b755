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


def is_colour(value: str) -> bool:
    """#RRGGBB only: the colour goes into CSS, so nothing else may pass."""
    return len(value) == 7 and value[0] == "#" and all(c in "0123456789abcdefABCDEF"
                                                        for c in value[1:])


def is_safe_link(value: str) -> bool:
    """A banner may point inside the product ("/h5/…") or to an https page, never javascript:."""
    if not value:
        return True
    if value.startswith("/"):
        return not value.startswith("//") and "\\" not in value
    return value.startswith("https://") and len(value) > len("https://") and " " not in value
