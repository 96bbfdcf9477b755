"""Pure care rules: whose birthday or which festival falls on a day, and message rendering."""

import re
from collections.abc import Mapping
from datetime import date

from campaigns.care.models import CareType
from members import rules as member_rules

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Service notices the member expects right away; the rest is marketing (opt-outs, hours).
NOTICES = frozenset(
    {
        CareType.CARD_BOUND,
        CareType.TIER_UP,
        CareType.TIER_DOWN,
        CareType.POINTS_CHANGED,
        CareType.PURCHASE,
    }
)
# What each type's texts may use: the member's values, then what its event brings.
MEMBER_PLACEHOLDERS = ("name", "card_no", "points", "tier")
PLACEHOLDERS: dict[CareType, tuple[str, ...]] = {
    care_type: MEMBER_PLACEHOLDERS + extra
    for care_type, extra in (
        (CareType.WELCOME, ()),
        (CareType.CARD_BOUND, ()),
        (CareType.TIER_UP, ("old_tier",)),
        (CareType.TIER_DOWN, ("old_tier",)),
        (CareType.POINTS_CHANGED, ("delta",)),
        (CareType.PURCHASE, ("amount",)),
        (CareType.COUPON_ISSUED, ("coupon", "expires")),
        (CareType.COUPON_EXPIRING, ("coupon", "expires")),
        (CareType.BIRTHDAY, ()),
        (CareType.FESTIVAL, ("festival",)),
    )
}
DEFAULT_FESTIVALS = (
    ("春节", "lunar", 1, 1),
    ("中秋节", "lunar", 8, 15),
    ("618", "solar", 6, 18),
    ("双11", "solar", 11, 11),
)


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill {name} {points} ...; an unknown placeholder stays as written, visible in preview."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


# Birthdays are the members package's rule (solar or lunar, two lunar dates in one solar year).
birthday_on = member_rules.birthday_on


def festival_on(day: date, *, calendar: str, month: int, festival_day: int) -> bool:
    if calendar == "lunar":
        return member_rules.lunar_date_on(day, month, festival_day)
    return (day.month, day.day) == (month, festival_day)
