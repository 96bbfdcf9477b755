import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.customers import rules


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("021-12345678", "+862112345678"),
        ("0755 8765 4321", "+8675587654321"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phones_are_stored_as_e164(typed: str, stored: str) -> None:
    assert rules.normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12345678901",
        "1380013800",
        "138001380001",
        "+8612345678901",
        "abc",
        "+0123",
        "١٣٨٠٠١٣٨٠٠٠",
    ],
)
def test_bad_phones_are_refused(typed: str) -> None:
    with pytest.raises(rules.PhoneError):
        rules.normalize_phone(typed)


@pytest.mark.parametrize(
    ("stored", "masked", "shown"),
    [
        ("+8613800138000", "138****8000", "13800138000"),
        ("+862112345678", "021****5678", "02112345678"),
        ("+442079460958", "+44****0958", "+442079460958"),
        ("", "", ""),
    ],
)
def test_masking_keeps_three_and_four(stored: str, masked: str, shown: str) -> None:
    assert rules.mask_phone(stored) == masked
    assert rules.national(stored) == shown


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_masked_mobile_never_shows_the_middle_four(mobile: str) -> None:
    masked = rules.mask_phone(rules.normalize_phone(mobile))
    assert masked == mobile[:3] + "****" + mobile[7:]
    assert mobile not in masked


def test_name_key_folds_width_case_and_spaces() -> None:
    assert rules.name_key("  Ｚhang   San ") == rules.name_key("zhang san") == "zhang san"
    assert rules.name_key("张三") != rules.name_key("张 三")


@pytest.mark.parametrize(
    ("viewer", "may_see_all", "owner", "visible"),
    [
        (1, False, 1, True),
        (1, False, 2, False),
        (1, True, 2, True),
        (1, True, None, False),
    ],
    ids=["own", "others", "full-phone-role", "pool"],
)
def test_phone_visible(viewer: int, may_see_all: bool, owner: int | None, visible: bool) -> None:
    assert rules.phone_visible(viewer_id=viewer, may_see_all=may_see_all, owner_id=owner) is visible


def test_transfer_skips_customers_already_with_the_target() -> None:
    assert rules.transfer_targets({3: 7, 1: 5, 2: None}, 7) == [1, 2]
