"""Atomic delivery dedupe in Redis (wechat.md §1.3, reliability.md WH-4).

WeChat retries arrive while the first delivery may still be running, so the claim is one
`SET NX EX`, never a check after processing.
"""

from redis.asyncio import Redis

DEDUPE_TTL_SECONDS = 600


async def claim_delivery(redis: Redis, key: str, *, ttl: int = DEDUPE_TTL_SECONDS) -> bool:
    """True for the first delivery of `key`, False for every retry within `ttl`."""
    return bool(await redis.set(key, "1", nx=True, ex=ttl))


async def remember_reply(
    redis: Redis, key: str, reply: str, *, ttl: int = DEDUPE_TTL_SECONDS
) -> None:
    await redis.set(f"{key}:reply", reply, ex=ttl)


async def cached_reply(redis: Redis, key: str) -> str | None:
    """The reply of the first delivery, for a retry; None while the first is still running."""
    value = await redis.get(f"{key}:reply")
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
