from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lunardate import LunarDate

from campaigns.care import rules

BORN = date(1990, 1, 1)


def lunar(day: date, month: int, lunar_day: int) -> bool:
    return rules.birthday_on(
        day, birthday=BORN, calendar="lunar", lunar_month=month, lunar_day=lunar_day
    )


def test_a_late_twelfth_month_birthday_fires_twice_in_2027_and_never_a_day_off() -> None:
    # Lunar 12-01 of 2026 is 2027-01-08; of 2027, 2027-12-28: both in solar 2027.
    hits = [d for d in (date(2027, 1, 1) + timedelta(n) for n in range(365)) if lunar(d, 12, 1)]
    assert hits == [date(2027, 1, 8), date(2027, 12, 28)]


def test_a_leap_month_year_celebrates_the_plain_month_only() -> None:
    # 2023 has a leap 2nd month: 2-15 is 2023-03-06, the leap 2-15 is 2023-04-05.
    hits = [d for d in (date(2023, 1, 1) + timedelta(n) for n in range(365)) if lunar(d, 2, 15)]
    assert hits == [date(2023, 3, 6)]


def test_a_30th_the_month_lacks_becomes_its_29th() -> None:
    year = next(y for y in range(2024, 2040) if _days_in_lunar_month(y, 1) == 29)
    expected = LunarDate(year, 1, 29).to_solar_date()
    assert lunar(expected, 1, 30)
    assert not lunar(expected + timedelta(days=1), 1, 30)


def _days_in_lunar_month(year: int, month: int) -> int:
    try:
        LunarDate(year, month, 30).to_solar_date()
    except ValueError:
        return 29
    return 30


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 2, 28), True),
        (date(2027, 3, 1), False),
        (date(2028, 2, 28), False),
        (date(2028, 2, 29), True),
    ],
)
def test_solar_29_february(day: date, expected: bool) -> None:
    born = date(2000, 2, 29)
    assert (
        rules.birthday_on(day, birthday=born, calendar="solar", lunar_month=None, lunar_day=None)
        is expected
    )


@pytest.mark.parametrize(
    ("name", "calendar", "month", "day", "on"),
    [
        ("春节", "lunar", 1, 1, date(2027, 2, 6)),
        ("中秋节", "lunar", 8, 15, date(2026, 9, 25)),
        ("618", "solar", 6, 18, date(2026, 6, 18)),
        ("双11", "solar", 11, 11, date(2026, 11, 11)),
    ],
)
def test_seeded_festivals(name: str, calendar: str, month: int, day: int, on: date) -> None:
    assert (name, calendar, month, day) in rules.DEFAULT_FESTIVALS
    assert rules.festival_on(on, calendar=calendar, month=month, festival_day=day)
    for other in (on - timedelta(days=1), on + timedelta(days=1)):
        assert not rules.festival_on(other, calendar=calendar, month=month, festival_day=day)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_a_lunar_birthday_fires_exactly_once_per_lunar_year(born: date) -> None:
    born_lunar = LunarDate.from_solar_date(born.year, born.month, born.day)
    month, day = born_lunar.month, born_lunar.day
    # Every lunar year from the next one on: exactly one solar day in that lunar year fires.
    year = born_lunar.year + 1
    start = LunarDate(year, 1, 1).to_solar_date()
    end = LunarDate(year + 1, 1, 1).to_solar_date()
    hits = [
        d for d in (start + timedelta(n) for n in range((end - start).days)) if lunar(d, month, day)
    ]
    assert len(hits) == 1
    got = LunarDate.from_solar_date(hits[0].year, hits[0].month, hits[0].day)
    assert (got.month, got.is_leap_month) == (month, False)
    assert got.day == day or (day == 30 and got.day == 29)


def test_render_keeps_unknown_placeholders_visible() -> None:
    assert rules.render("{name}，您有 {points} 积分 {oops}", {"name": "张三", "points": 120}) == (
        "张三，您有 120 积分 {oops}"
    )
