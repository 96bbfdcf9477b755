"""Pure rules of opportunities: weighting, forecast folding, time per stage."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.sales.opportunities import rules


@pytest.mark.parametrize(
    ("amount", "probability", "expected"),
    [(100_000, 30, 30_000), (1, 50, 1), (1, 49, 0), (333, 15, 50), (0, 100, 0), (999, 0, 0)],
    ids=["even", "half-up", "below-half", "rounded", "zero-amount", "zero-probability"],
)
def test_weighted_rounds_half_up_to_the_fen(amount: int, probability: int, expected: int) -> None:
    assert rules.weighted(amount, probability) == expected


@given(st.integers(0, 10**13), st.integers(0, 100))
def test_weighted_never_exceeds_the_amount(amount: int, probability: int) -> None:
    assert 0 <= rules.weighted(amount, probability) <= amount


def test_forecast_sums_per_key_weighting_each_row() -> None:
    rows = [("2027-01", 2, 200_000, 30), ("2027-01", 1, 50_000, 40), ("2026-12", 1, 1000, 15)]
    assert rules.forecast(rows) == [
        rules.ForecastRow("2026-12", 1, 1000, 150),
        rules.ForecastRow("2027-01", 3, 250_000, 80_000),
    ]


def test_month_of() -> None:
    assert rules.month_of(date(2027, 3, 31)) == "2027-03"


def test_stage_seconds_adds_up_repeat_visits_and_counts_the_open_one_until_now() -> None:
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    visits = [
        (1, t0, t0 + timedelta(hours=2)),
        (2, t0 + timedelta(hours=2), t0 + timedelta(hours=3)),
        (1, t0 + timedelta(hours=3), None),
    ]
    now = t0 + timedelta(hours=4)
    assert rules.stage_seconds(visits, now) == {1: 3 * 3600, 2: 3600}


def test_default_stages_are_the_seeds_percentages() -> None:
    assert [(n, p) for n, p, _, _ in rules.DEFAULT_STAGES[:4]] == [
        ("初次沟通", 30),
        ("样品测试", 15),
        ("商务洽谈", 15),
        ("签约", 40),
    ]
