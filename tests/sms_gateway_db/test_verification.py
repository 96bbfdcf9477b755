"""Verification codes: rate limits in Redis, expiry, single use, burned after wrong guesses."""

import pytest

from crm_core.redis import get_redis
from sms_gateway.errors import CodeInvalidError, CodeRateLimitedError
from sms_gateway.models import SmsMessage
from sms_gateway.service.verification import issue_code, verify_code
from tests.factories import sms_code_sent_to


async def code_of(message_id: int) -> str:
    return await sms_code_sent_to((await SmsMessage.get(id=message_id)).recipient)


async def test_code_verifies_once():
    issued = await issue_code("13800138000", purpose="card", ip="203.0.113.7")
    code = await code_of(issued.message_id)
    assert issued.phone == "+8613800138000"
    with pytest.raises(CodeInvalidError):
        await verify_code("13800138000", code, purpose="login")
    assert await verify_code("13800138000", code, purpose="card") is True
    with pytest.raises(CodeInvalidError):
        await verify_code("13800138000", code, purpose="card")


async def test_one_code_per_minute_per_number():
    await issue_code("13800138000", ip="203.0.113.7")
    with pytest.raises(CodeRateLimitedError) as caught:
        await issue_code("+86 138 0013 8000", ip="203.0.113.8")
    assert caught.value.status_code == 429
    assert 1 <= caught.value.retry_after <= 60
    assert await SmsMessage.all().count() == 1


async def test_per_ip_limit_spans_numbers():
    for index in range(20):
        await issue_code(f"139000000{index:02d}", ip="198.51.100.1")
    with pytest.raises(CodeRateLimitedError):
        await issue_code("13900000099", ip="198.51.100.1")
    assert await SmsMessage.all().count() == 20
    await issue_code("13900000099", ip="198.51.100.2")


async def test_wrong_guesses_burn_the_code():
    issued = await issue_code("13800138000")
    code = await code_of(issued.message_id)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(CodeInvalidError):
            await verify_code("13800138000", wrong)
    with pytest.raises(CodeInvalidError):
        await verify_code("13800138000", code)


async def test_expired_code_is_refused():
    issued = await issue_code("13800138000")
    code = await code_of(issued.message_id)
    await get_redis().delete("sms:code:login:+8613800138000")  # what the TTL does
    with pytest.raises(CodeInvalidError):
        await verify_code("13800138000", code)
    ttl_key_absent = await get_redis().exists("sms:code:login:+8613800138000")
    assert ttl_key_absent == 0


async def test_code_ttl_is_set():
    await issue_code("13800138000")
    ttl = await get_redis().ttl("sms:code:login:+8613800138000")
    assert 290 <= ttl <= 300
