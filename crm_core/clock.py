"""The one source of "now". Tests move it with `freeze()`; code never calls datetime.now()."""

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_frozen: datetime | None = None


def utc_now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def local_now() -> datetime:
    return utc_now().astimezone(SHANGHAI)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


@contextlib.contextmanager
def freeze(moment: datetime) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: timedelta) -> None:
    global _frozen
    _frozen = utc_now() + delta
