"""Quote figures in integer fen: half-up line discounts, whole-quote discount, numbers, moves."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.sales.quotes import rules
from crm_core.sales.quotes.models import QuoteStatus


@pytest.mark.parametrize(
    ("quantity", "price", "bp", "amount"),
    [
        pytest.param(3, 12_900, 0, 38_700, id="no-discount"),
        pytest.param(3, 12_900, 1000, 34_830, id="ten-percent"),
        # 1 × 5 fen at 10 %: 0.5 fen off rounds half up to 1 fen.
        pytest.param(1, 5, 1000, 4, id="half-up"),
        # 1 × 4 fen at 10 %: 0.4 fen off rounds down to nothing.
        pytest.param(1, 4, 1000, 4, id="below-half"),
        pytest.param(2, 999, 10_000, 0, id="free"),
    ],
)
def test_line_amount(quantity: int, price: int, bp: int, amount: int) -> None:
    assert rules.line_amount(quantity, price, bp) == amount


def test_totals_take_the_whole_quote_discount_off_the_subtotal() -> None:
    assert rules.totals([(3, 12_900, 1000), (1, 5, 1000)], 834) == (34_834, 34_000)
    assert rules.totals([(1, 100, 0)], 100) == (100, 0)
    with pytest.raises(ValueError, match="discount exceeds subtotal"):
        rules.totals([(1, 100, 0)], 101)


@given(st.integers(1, 10**6), st.integers(0, 10**8), st.integers(0, 10_000))
def test_a_line_amount_lies_between_nothing_and_its_gross(q: int, price: int, bp: int) -> None:
    amount = rules.line_amount(q, price, bp)
    assert 0 <= amount <= q * price
    assert abs((q * price - amount) * 10_000 - q * price * bp) <= 5_000


def test_numbers_yuan_and_rates_print_as_people_read_them() -> None:
    assert rules.number("BJ", 2026, 7) == "BJ-2026-0007"
    assert rules.number("BJ", 2026, 12345) == "BJ-2026-12345"
    assert rules.yuan(123_456_750) == "1,234,567.50"
    assert rules.yuan(5) == "0.05"
    assert (rules.rate_label(0), rules.rate_label(1000), rules.rate_label(1500)) == (
        "",
        "9折",
        "8.5折",
    )


def test_status_moves() -> None:
    assert rules.may_move(QuoteStatus.DRAFT, QuoteStatus.SENT)
    assert rules.may_move(QuoteStatus.SENT, QuoteStatus.ACCEPTED)
    assert not rules.may_move(QuoteStatus.DRAFT, QuoteStatus.ACCEPTED)
    assert not rules.may_move(QuoteStatus.ACCEPTED, QuoteStatus.DRAFT)


def test_columns_need_name_quantity_and_amount_once_each() -> None:
    assert rules.clean_columns(["name", "quantity", "amount"]) == ["name", "quantity", "amount"]
    assert rules.clean_columns(["name", "quantity"]) is None
    assert rules.clean_columns(["name", "quantity", "amount", "name"]) is None
    assert rules.clean_columns(["name", "quantity", "amount", "__class__"]) is None
