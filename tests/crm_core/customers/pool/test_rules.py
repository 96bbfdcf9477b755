"""The pool's pure rules: drop dates per clock, the daily quota's day, cool-downs."""

from datetime import UTC, datetime, timedelta

import pytest

from crm_core.customers.pool import rules

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def clocks(
    owned: int | None = None, followed: int | None = None, deal: int | None = None
) -> rules.Clocks:
    def at(days: int | None) -> datetime | None:
        return None if days is None else T + timedelta(days=days)

    return rules.Clocks(T, at(owned), at(followed), at(deal))


@pytest.mark.parametrize(
    ("terms", "state", "expected"),
    [
        (rules.Terms(None, None), clocks(), None),
        (rules.Terms(30, None), clocks(), (30, "no_follow_up")),
        (rules.Terms(30, None), clocks(followed=10), (40, "no_follow_up")),
        # Claimed after the last follow-up: the owner's clock starts at the claim.
        (rules.Terms(30, None), clocks(owned=20, followed=10), (50, "no_follow_up")),
        (rules.Terms(30, 20), clocks(followed=5), (20, "no_deal")),
        (rules.Terms(30, 20), clocks(followed=5, deal=30), (35, "no_follow_up")),
        (rules.Terms(20, 20), clocks(), (20, "no_follow_up")),
        (rules.Terms(None, 60), clocks(deal=-10), (60, "no_deal")),
    ],
    ids=[
        "no-rule",
        "never-followed",
        "followed",
        "claimed-later",
        "deal-first",
        "follow-first",
        "tie",
        "deal-before-created",
    ],
)
def test_drop_date(
    terms: rules.Terms, state: rules.Clocks, expected: tuple[int, str] | None
) -> None:
    found = rules.drop_date(terms, state)
    if expected is None:
        assert found is None
    else:
        assert found == (T + timedelta(days=expected[0]), expected[1])


def test_the_quota_day_is_shanghais() -> None:
    # 2026-03-02 23:30 in Shanghai is 15:30 UTC; the day began at 16:00 UTC the day before.
    late = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    assert rules.day_start(late) == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    assert rules.day_start(late + timedelta(minutes=30)) == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("claimer", "previous", "days", "expected"),
    [(1, 1, 7, T + timedelta(days=7)), (2, 1, 7, None), (1, None, 7, None), (1, 1, 0, None)],
    ids=["own-drop", "someone-else", "never-owned", "no-cool-down"],
)
def test_cooldown_until(
    claimer: int, previous: int | None, days: int, expected: datetime | None
) -> None:
    assert rules.cooldown_until(claimer, previous, T, days) == expected
