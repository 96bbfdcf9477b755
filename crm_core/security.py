"""Passwords (argon2id), opaque sessions and API tokens in Redis, login throttling, CSRF tokens."""

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crm_core import ratelimit
from crm_core.config import get_settings
from crm_core.errors import RateLimitedError
from crm_core.redis import get_redis

# argon2-cffi defaults (argon2id, t=3, m=64 MiB, p=4) exceed OWASP's minimum (reliability SEC-4).
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    # An unknown user still costs one verification, so timing does not reveal valid usernames.
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True)
class SessionData:
    staff_id: int
    csrf_token: str
    kind: str = "console"


def _key(kind: str, token: str) -> str:
    return f"auth:{kind}:{token}"


def _index(kind: str, owner_id: int) -> str:
    # Member (H5) sessions share the machinery but not the id space: a staff member's password
    # reset must not end the sessions of the member who happens to have the same id.
    owner = "member" if kind == "member" else "staff"
    return f"auth:{owner}-sessions:{owner_id}"


# The revocation index must outlive every token it lists, sliding ones included: each create
# and each slide records the token again and only ever lengthens the index's TTL.
_LIST_IN_INDEX = """
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
"""


async def _index_token(kind: str, owner_id: int, token: str, ttl_seconds: int) -> None:
    await get_redis().eval(  # type: ignore[misc]
        _LIST_IN_INDEX, 1, _index(kind, owner_id), f"{kind}:{token}", ttl_seconds
    )


async def create_session(staff_id: int, *, kind: str, ttl_seconds: int) -> tuple[str, SessionData]:
    token = secrets.token_urlsafe(32)
    data = SessionData(staff_id=staff_id, csrf_token=secrets.token_urlsafe(32), kind=kind)
    await get_redis().set(_key(kind, token), json.dumps(asdict(data)), ex=ttl_seconds)
    await _index_token(kind, staff_id, token, ttl_seconds)
    return token, data


async def load_session(token: str, *, kind: str, ttl_seconds: int) -> SessionData | None:
    if not token or len(token) > 128:
        return None
    redis = get_redis()
    raw = await redis.get(_key(kind, token))
    if raw is None:
        return None
    session = SessionData(**json.loads(raw))
    if await redis.expire(_key(kind, token), ttl_seconds):  # sliding expiry
        await _index_token(kind, session.staff_id, token, ttl_seconds)
    return session


async def delete_session(token: str, *, kind: str) -> None:
    await get_redis().delete(_key(kind, token))


async def revoke_all_sessions(staff_id: int) -> None:
    """Used when an account is disabled or its password reset: its console and API sessions."""
    redis = get_redis()
    index = _index("console", staff_id)
    members = await redis.smembers(index)
    keys = [_key(*str(member).split(":", 1)) for member in members]
    if keys:
        await redis.delete(*keys)
    await redis.delete(index)


def bound_token(purpose: str, value: str) -> str:
    """A token only this server can derive from `value` (a pre-session cookie's login CSRF)."""
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


class LoginThrottledError(RateLimitedError):
    message = "登录失败次数过多，请 {retry_after} 秒后再试"


class LoginThrottle:
    """Counts attempts per username and per IP in Redis, shared by every web process.

    An attempt takes its slot before the password is checked, so at most `max_failures`
    verifications run even when many arrive at once; a success clears the username's count
    and hands the IP's slot back."""

    def __init__(self, max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds

    def _keys(self, username: str, ip: str) -> tuple[str, str]:
        return f"throttle:login:user:{username.lower()}", f"throttle:login:ip:{ip}"

    async def take(self, username: str, ip: str) -> None:
        user_key, ip_key = self._keys(username, ip)
        # The IP limit is looser: several people may share one office address.
        limits = [
            (user_key, self.max_failures, self.window_seconds),
            (ip_key, self.max_failures * 4, self.window_seconds),
        ]
        await ratelimit.take(limits, LoginThrottledError)

    async def succeeded(self, username: str, ip: str) -> None:
        user_key, ip_key = self._keys(username, ip)
        await get_redis().delete(user_key)
        await ratelimit.give_back(ip_key)
