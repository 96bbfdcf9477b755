"""Verification codes over SMS: issue, rate-limit, expire, verify (reliability §5, API6/SEC-7).

The code lives only in Redis, as a keyed hash with a TTL; its message row keeps the text masked
and the PDU sealed (crm_core.vault), opened only for the modem. Limits are Redis counters, so
every web process shares them.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm_core import clock, ratelimit
from crm_core.config import get_settings
from crm_core.redis import get_redis
from sms_gateway.errors import CodeInvalidError, CodeRateLimitedError
from sms_gateway.models import MessageKind
from sms_gateway.service.messages import normalize_recipient, send_message

PURPOSE = "verification_code"


@dataclass(frozen=True)
class IssuedCode:
    phone: str
    purpose: str
    expires_at: datetime
    message_id: int


def _digest(phone: str, purpose: str, code: str) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


async def issue_code(phone: str, *, purpose: str = "login", ip: str = "") -> IssuedCode:
    """Send a fresh code; it replaces any earlier one for the same number and purpose."""
    settings = get_settings().sms
    number = normalize_recipient(phone)
    limits = [
        (f"sms:code:minute:{number}", settings.code_per_number_per_minute, 60),
        (f"sms:code:day:{number}", settings.code_per_number_per_day, 86400),
    ]
    if ip:
        limits.append((f"sms:code:ip:{ip}", settings.code_per_ip_per_hour, 3600))
    await ratelimit.take(limits, CodeRateLimitedError)
    code = f"{secrets.randbelow(10**settings.code_length):0{settings.code_length}d}"
    minutes = max(settings.code_ttl_seconds // 60, 1)
    text = f"您的验证码是{code}，{minutes}分钟内有效。请勿泄露给他人。"
    message = await send_message(number, text, kind=MessageKind.TRANSACTIONAL, purpose=PURPOSE)
    key = f"sms:code:{purpose}:{number}"
    redis = get_redis()
    await redis.delete(f"{key}:tries")
    await redis.set(key, _digest(number, purpose, code), ex=settings.code_ttl_seconds)
    expires = clock.utc_now() + timedelta(seconds=settings.code_ttl_seconds)
    return IssuedCode(number, purpose, expires, int(message.id))


# Count the guess and read the code in one step: exactly `limit` guesses ever see the code,
# however many arrive at once, and the first guess past the limit burns it.
_COUNT_AND_READ = """
local tries = redis.call('INCR', KEYS[2])
if tries == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
if tries > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return {tries, false}
end
return {tries, redis.call('GET', KEYS[1])}
"""


async def verify_code(phone: str, code: str, *, purpose: str = "login") -> bool:
    """True once per issued code. Every guess is counted before it is compared, so a burst of
    concurrent guesses gets `code_max_attempts` comparisons in all; the last one burns the code."""
    settings = get_settings().sms
    number = normalize_recipient(phone)
    key = f"sms:code:{purpose}:{number}"
    redis = get_redis()
    limit = settings.code_max_attempts
    tries, stored = await redis.eval(  # type: ignore[misc]
        _COUNT_AND_READ, 2, key, f"{key}:tries", limit, settings.code_ttl_seconds
    )
    if stored is None:
        raise CodeInvalidError()
    if hmac.compare_digest(str(stored), _digest(number, purpose, code.strip())):
        # GETDEL-like: whoever deletes it first wins, so a code verifies exactly once.
        if await redis.delete(key):
            await redis.delete(f"{key}:tries")
            return True
        raise CodeInvalidError()
    if int(tries) >= limit:
        await redis.delete(key)
    raise CodeInvalidError()
