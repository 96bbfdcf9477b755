"""Pure rules: amount ranges of steps, the next open step."""

import pytest

from crm_core.approvals import rules


@pytest.mark.parametrize(
    ("amount", "applies"),
    [(0, False), (999_999, False), (1_000_000, True), (10**12, True)],
    ids=["zero", "9999.99", "10000", "huge"],
)
def test_the_director_step_starts_at_10000_yuan(amount: int, applies: bool) -> None:
    director = rules.default_steps()[1]
    assert rules.step_applies(director, amount) is applies


def test_a_range_includes_its_low_end_and_excludes_its_high_end() -> None:
    step = {"min_amount_fen": 100, "max_amount_fen": 200}
    assert [rules.step_applies(step, a) for a in (99, 100, 199, 200)] == [False, True, True, False]


def test_the_next_open_step_skips_skipped_ones() -> None:
    steps = [(1, "approved"), (2, "skipped"), (3, "waiting"), (4, "waiting")]
    assert rules.first_open(steps, after=1) == 3
    assert rules.first_open(steps, after=4) is None


def test_yuan() -> None:
    assert (rules.yuan(1_000_000), rules.yuan(999_999), rules.yuan(5)) == (
        "10,000.00",
        "9,999.99",
        "0.05",
    )
