"""Pure message rules: opt-out replies, sending hours, composition, status derivation."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_gateway import rules


@pytest.mark.parametrize("text", ["T", "t", " TD ", "Ｔ", "ｔｄ", "退订", "退订。", "R", "T退订"])
def test_opt_out_replies(text):
    assert rules.is_opt_out(text) is True


@pytest.mark.parametrize("text", ["谢谢", "TEST", "退订了吗我想问一下", "", "好的T"])
def test_ordinary_replies_are_not_opt_outs(text):
    assert rules.is_opt_out(text) is False


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        pytest.param(
            datetime(2026, 11, 11, 2, 0, tzinfo=UTC),
            datetime(2026, 11, 11, 2, 0, tzinfo=UTC),
            id="10:00-inside",
        ),
        pytest.param(
            datetime(2026, 11, 11, 0, 0, tzinfo=UTC),
            datetime(2026, 11, 11, 0, 0, tzinfo=UTC),
            id="08:00-opens",
        ),
        pytest.param(
            datetime(2026, 11, 11, 13, 30, tzinfo=UTC),
            datetime(2026, 11, 11, 13, 30, tzinfo=UTC),
            id="21:30-inside",
        ),
        pytest.param(
            datetime(2026, 11, 11, 14, 0, tzinfo=UTC),
            datetime(2026, 11, 12, 0, 0, tzinfo=UTC),
            id="22:00-closed-next-morning",
        ),
        pytest.param(
            datetime(2026, 11, 10, 20, 0, tzinfo=UTC),
            datetime(2026, 11, 11, 0, 0, tzinfo=UTC),
            id="04:00-same-morning",
        ),
    ],
)
def test_next_sending_time_in_shanghai(utc, expected):
    assert rules.next_sending_time(utc, "08:00", "22:00") == expected


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_next_sending_time_is_never_earlier_and_always_inside(moment):
    at = rules.next_sending_time(moment, "08:00", "22:00")
    assert at >= moment
    assert rules.within_hours(at, "08:00", "22:00")
    assert (at - moment).total_seconds() <= 10 * 3600


def test_compose_adds_signature_and_opt_out_once():
    compose = rules.compose_text
    assert (
        compose("新品上市", marketing=True, signature="示例商城", opt_out_suffix="回T退订")
        == "【示例商城】新品上市回T退订"
    )
    assert (
        compose(
            "【别家】新品，回T退订", marketing=True, signature="示例商城", opt_out_suffix="回T退订"
        )
        == "【别家】新品，回T退订"
    )
    assert (
        compose(" 您的订单已发货 ", marketing=False, signature="示例商城", opt_out_suffix="回T退订")
        == "【示例商城】您的订单已发货"
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["sent", "sent"], "sent"),
        (["delivered", "sent"], "sent"),
        (["delivered", "delivered"], "delivered"),
        (["unknown", "failed"], "unknown"),
        (["delivered", "failed"], "failed"),
        (["sent", "queued"], "sending"),
        (["queued"], "queued"),
    ],
)
def test_message_status_from_parts(parts, expected):
    assert rules.message_status(parts) == expected


def test_retry_delay_repeats_the_last_step():
    assert [rules.retry_delay(n, [30, 120, 600]) for n in (1, 2, 3, 4)] == [30, 120, 600, 600]
