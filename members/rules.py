"""Pure member rules: attribution (first touch kept forever, last touch follows every attributed
one), birthdays on the solar and lunar calendars, profile validation."""

from dataclasses import dataclass
from datetime import date, datetime

from lunardate import LunarDate


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
    last: dict[str, object] = {
        "last_store_id": touch.store_id,
        "last_guide_id": touch.guide_id,
        "last_channel": touch.channel,
        "last_touch_at": touch.at,
    }
    if has_first_touch:
        return last
    return {
        "first_store_id": touch.store_id,
        "first_guide_id": touch.guide_id,
        "first_channel": touch.channel,
        "first_touch_at": touch.at,
        **last,
    }


def is_colour(value: str) -> bool:
    """#RRGGBB only: the colour goes into CSS, so nothing else may pass."""
    return (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


def is_safe_link(value: str) -> bool:
    """A banner may point inside the product ("/h5/…") or to an https page, never javascript:."""
    if not value:
        return True
    if value.startswith("/"):
        return not value.startswith("//") and "\\" not in value
    return value.startswith("https://") and len(value) > len("https://") and " " not in value


def solar_birthday_in(
    year: int, *, birthday: date, calendar: str, lunar_month: int | None, lunar_day: int | None
) -> date:
    """The solar date of the birthday that falls in `year`.

    Solar 29 Feb is kept on 28 Feb in common years. A lunar birthday is taken in the lunar year
    whose date lands in this solar year (a late-12th-month birthday may belong to the previous
    lunar year); a 30th the month lacks becomes its 29th, as is customary.
    """
    if calendar != "lunar" or lunar_month is None or lunar_day is None:
        try:
            return birthday.replace(year=year)
        except ValueError:
            return date(year, 2, 28)
    for lunar_year in (year, year - 1):
        solar = _lunar_to_solar(lunar_year, lunar_month, lunar_day)
        if solar is not None and solar.year == year:
            return solar
    return _lunar_to_solar(year, lunar_month, lunar_day) or birthday.replace(year=year, day=28)


def birthday_on(
    day: date, *, birthday: date, calendar: str, lunar_month: int | None, lunar_day: int | None
) -> bool:
    """Whether `day` is the birthday. A lunar date of the 12th month of lunar year Y lands in
    January of Y+1, so one solar year can hold two lunar birthdays: both count."""
    if calendar == "lunar" and lunar_month is not None and lunar_day is not None:
        return lunar_date_on(day, lunar_month, lunar_day)
    return (
        solar_birthday_in(
            day.year, birthday=birthday, calendar="solar", lunar_month=None, lunar_day=None
        )
        == day
    )


def lunar_date_on(day: date, month: int, lunar_day: int) -> bool:
    """Whether `day` is that lunar month and day (the plain month, never the leap one; a 30th
    the month lacks is its 29th), in either lunar year that overlaps the solar year."""
    return any(_lunar_to_solar(year, month, lunar_day) == day for year in (day.year - 1, day.year))


def _lunar_to_solar(year: int, month: int, day: int) -> date | None:
    for candidate in (day, 29) if day == 30 else (day,):
        try:
            solar: date = LunarDate(year, month, candidate).to_solar_date()
        except ValueError:
            continue
        return solar
    return None


def lunar_of(solar: date) -> tuple[int, int, int]:
    """(lunar year, month, day) of a solar date; raises ValueError outside 1900–2099."""
    lunar = LunarDate.from_solar_date(solar.year, solar.month, solar.day)
    return int(lunar.year), int(lunar.month), int(lunar.day)


class ProfileInvalidError(ValueError):
    """A Chinese message for the member; the H5 form shows it next to the typed values."""


@dataclass(frozen=True)
class Birthday:
    solar: date
    calendar: str
    lunar_month: int | None
    lunar_day: int | None


def parse_birthday(text: str, calendar: str, *, today: date) -> Birthday | None:
    """YYYY-MM-DD read on the chosen calendar; a lunar date is converted to its solar date."""
    text = text.strip()
    if not text:
        return None
    if calendar not in {"solar", "lunar"}:
        raise ProfileInvalidError("生日历法只能是公历或农历")
    parts = text.replace("/", "-").split("-")
    if len(parts) != 3 or not all(p.isdecimal() for p in parts):
        raise ProfileInvalidError("生日格式应为 年-月-日，例如 1990-08-15")
    year, month, day = (int(p) for p in parts)
    if calendar == "solar":
        try:
            solar = date(year, month, day)
        except ValueError as error:
            raise ProfileInvalidError("生日不是有效的公历日期") from error
        lunar_month = lunar_day = None
    else:
        try:
            solar = LunarDate(year, month, day).to_solar_date()
        except ValueError as error:
            raise ProfileInvalidError("生日不是有效的农历日期（支持 1900–2099 年）") from error
        lunar_month, lunar_day = month, day
    if solar > today:
        raise ProfileInvalidError("生日不能晚于今天")
    if solar.year < 1900:
        raise ProfileInvalidError("生日年份不能早于 1900 年")
    return Birthday(solar, calendar, lunar_month, lunar_day)


def completed_fields(values: dict[str, object]) -> set[str]:
    """Which reward-earning profile fields hold a value (region: province and city)."""
    done = {name for name in ("name", "gender", "birthday", "address") if values.get(name)}
    if values.get("province") and values.get("city"):
        done.add("region")
    return done
