"""Accepting messages: bad input is refused with a stable code and nothing is stored."""

from datetime import UTC, datetime

import pytest

from crm_core import clock
from sms_gateway.errors import (
    ConsentRequiredError,
    EmptyMessageError,
    InvalidNumberError,
    MessageTooLongError,
    NumberSuppressedError,
)
from sms_gateway.models import MessageKind, SmsMessage, SmsPart, SmsStatus
from sms_gateway.service import suppression
from sms_gateway.service.messages import get_message, send_message

NIGHT = datetime(2026, 11, 11, 13, 30, tzinfo=UTC)  # 21:30 Shanghai
LATE = datetime(2026, 11, 11, 14, 5, tzinfo=UTC)  # 22:05 Shanghai
NEXT_MORNING = datetime(2026, 11, 12, 0, 0, tzinfo=UTC)  # 08:00 Shanghai


async def test_transactional_message_is_queued_with_signature_and_parts():
    with clock.freeze(LATE):
        message = await send_message("138 0013 8000", "您的订单已发货")
    assert (message.recipient, message.text, message.status, message.priority) == (
        "+8613800138000",
        "【示例商城】您的订单已发货",
        SmsStatus.QUEUED,
        10,
    )
    assert message.not_before == LATE
    parts = await SmsPart.filter(message_id=message.id)
    assert [(p.sequence, p.total, p.status) for p in parts] == [(1, 1, SmsStatus.QUEUED)]
    assert parts[0].pdu_hex.startswith("0031000D91683108108300F00008A7")


async def test_marketing_inside_hours_goes_now_and_outside_waits_for_the_window():
    await suppression.grant_consent("13900000001", source="test")
    with clock.freeze(NIGHT):
        evening = await send_message("13900000001", "新品上市", kind=MessageKind.MARKETING)
    with clock.freeze(LATE):
        late = await send_message("13900000001", "新品上市", kind=MessageKind.MARKETING)
        otp = await send_message("13900000001", "验证码 123456")
    assert evening.not_before == NIGHT
    assert late.not_before == NEXT_MORNING
    assert late.status is SmsStatus.QUEUED
    assert late.text == "【示例商城】新品上市回T退订"
    assert otp.not_before == LATE


@pytest.mark.parametrize(
    ("number", "text", "error"),
    [
        pytest.param("12345", "你好", InvalidNumberError, id="bad-number"),
        pytest.param("not a phone", "你好", InvalidNumberError, id="letters"),
        pytest.param("13800138000", "   ", EmptyMessageError, id="empty-text"),
        pytest.param("13800138000", "长" * 500, MessageTooLongError, id="over-max-parts"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(number, text, error):
    with pytest.raises(error):
        await send_message(number, text)
    assert await SmsMessage.all().count() == 0
    assert await SmsPart.all().count() == 0


async def test_marketing_needs_consent_and_no_opt_out():
    with pytest.raises(ConsentRequiredError):
        await send_message("13900000001", "新品", kind=MessageKind.MARKETING)
    await suppression.grant_consent("13900000001", source="member_card")
    await suppression.suppress("13900000001", reason="回复T", source="reply")
    with pytest.raises(NumberSuppressedError):
        await send_message("13900000001", "新品", kind=MessageKind.MARKETING)
    assert await SmsMessage.all().count() == 0
    assert not await suppression.has_consent("13900000001")
    notice = await send_message("13900000001", "您的订单已发货")
    assert notice.status is SmsStatus.QUEUED


async def test_idempotency_key_returns_the_first_message():
    first = await send_message("13800138000", "你好", key="order-1-shipped")
    again = await send_message("13800138000", "你好", key="order-1-shipped")
    assert again.id == first.id
    assert await SmsMessage.all().count() == 1


async def test_verification_code_text_is_masked_in_reads():
    from sms_gateway.service.verification import issue_code

    issued = await issue_code("13800138000")
    stored = await SmsMessage.get(id=issued.message_id)
    assert stored.text == "【示例商城】您的验证码是******，5分钟内有效。请勿泄露给他人。"
    read = await get_message(issued.message_id)
    assert read.text == "【示例商城】您的验证码是******，5分钟内有效。请勿泄露给他人。"
