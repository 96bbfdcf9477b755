"""Fixed-window rate limits in Redis, shared by every process (SMS codes, lottery draws)."""

from crm_core.errors import RateLimitedError
from crm_core.redis import get_redis


async def take(
    limits: list[tuple[str, int, int]], error: type[RateLimitedError] = RateLimitedError
) -> None:
    """Take one slot of each (key, limit, window seconds). A refusal hands back every slot it
    took, so a request refused by one limit does not also use up the others."""
    redis = get_redis()
    taken: list[str] = []
    for key, limit, window in limits:
        count = await redis.incr(key)
        taken.append(key)
        if count == 1:
            await redis.expire(key, window)
        if count > limit:
            ttl = await redis.ttl(key)
            for done in taken:
                await redis.decr(done)
            raise error(retry_after=max(int(ttl), 1))
