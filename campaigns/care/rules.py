"""Pure care rules: whose birthday or which festival falls on a day, and message rendering."""

import re
from collections.abc import Mapping
from datetime import date

from lunardate import LunarDate

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
DEFAULT_FESTIVALS = (
    ("春节", "lunar", 1, 1),
    ("中秋节", "lunar", 8, 15),
    ("618", "solar", 6, 18),
    ("双11", "solar", 11, 11),
)


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill {name} {points} ...; an unknown placeholder stays as written, visible in preview."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """The non-leap month: a birthday in a leap month is kept once a year, in the plain month.
    A 30th the month lacks becomes its 29th."""
    for candidate in (day, 29) if day == 30 else (day,):
        try:
            solar: date = LunarDate(year, month, candidate).to_solar_date()
        except ValueError:
            continue
        return solar
    return None


def lunar_date_on(day: date, month: int, lunar_day: int) -> bool:
    # A 12th-month date of lunar year Y lands in January of Y+1, so a solar year can hold two.
    return any(lunar_to_solar(year, month, lunar_day) == day for year in (day.year - 1, day.year))


def birthday_on(
    day: date,
    *,
    birthday: date,
    calendar: str,
    lunar_month: int | None,
    lunar_day: int | None,
) -> bool:
    if calendar == "lunar" and lunar_month is not None and lunar_day is not None:
        return lunar_date_on(day, lunar_month, lunar_day)
    return (
        member_rules.solar_birthday_in(
            day.year, birthday=birthday, calendar="solar", lunar_month=None, lunar_day=None
        )
        == day
    )


def festival_on(day: date, *, calendar: str, month: int, festival_day: int) -> bool:
    if calendar == "lunar":
        return lunar_date_on(day, month, festival_day)
    return (day.month, day.day) == (month, festival_day)
