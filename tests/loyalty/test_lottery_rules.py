"""ST-5: integer weights, exact slot boundaries, and a chi-square fit of 10⁶ CSPRNG draws."""

import ast
from pathlib import Path

import pytest

import loyalty.lottery
from loyalty.lottery.rules import Slot, chi_square, draw_value, pick

WEIGHTS = [1, 9, 90, 300, 600]
# Chi-square critical value for 4 degrees of freedom at p = 0.001 (scipy.stats.chi2.ppf).
CRITICAL_DF4_P001 = 18.467


def test_every_value_lands_in_the_slot_its_weight_covers() -> None:
    slots = [Slot(i, w) for i, w in enumerate(WEIGHTS)]
    counts = [0] * len(slots)
    for value in range(sum(WEIGHTS)):
        counts[pick(slots, value).prize_id] += 1
    assert counts == WEIGHTS


def test_zero_weight_slots_are_never_picked() -> None:
    slots = [Slot(1, 0), Slot(2, 3), Slot(3, 0), Slot(4, 2)]
    assert [pick(slots, v).prize_id for v in range(5)] == [2, 2, 2, 4, 4]


@pytest.mark.parametrize("value", [-1, 1000])
def test_values_outside_the_total_are_refused(value: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        pick([Slot(i, w) for i, w in enumerate(WEIGHTS)], value)


def test_a_million_draws_fit_the_weights() -> None:
    slots = [Slot(i, w) for i, w in enumerate(WEIGHTS)]
    total = sum(WEIGHTS)
    counts = [0] * len(slots)
    for _ in range(1_000_000):
        counts[pick(slots, draw_value(total)).prize_id] += 1
    assert sum(counts) == 1_000_000
    assert chi_square(counts, WEIGHTS) < CRITICAL_DF4_P001


def test_chi_square_flags_a_biased_wheel() -> None:
    assert chi_square([0, 0, 100_000, 300_000, 600_000], WEIGHTS) > CRITICAL_DF4_P001


def test_the_lottery_package_never_imports_random() -> None:
    root = Path(loyalty.lottery.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "random" not in names, path
