"""Fixed-window rate limits in Redis, shared by every process (logins, SMS codes, lottery draws).

Counting happens first and atomically (one Lua script), so a burst of concurrent requests cannot
all pass a check made before any of them is counted.
"""

from crm_core.errors import RateLimitedError
from crm_core.redis import get_redis

# KEYS: the counters; ARGV: limit and window of each. Returns the counts, or the refused
# counter's remaining seconds as a negative number after handing every slot back.
_TAKE = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[2 * i]) end
  if count > tonumber(ARGV[2 * i - 1]) then
    for j = 1, i do redis.call('DECR', KEYS[j]) end
    local ttl = redis.call('TTL', key)
    if ttl < 1 then ttl = 1 end
    return {-ttl}
  end
  counts[i] = count
end
return counts
"""


async def take(
    limits: list[tuple[str, int, int]], error: type[RateLimitedError] = RateLimitedError
) -> list[int]:
    """Take one slot of each (key, limit, window seconds) and return the new counts. A refusal
    hands back every slot it took, so a request refused by one limit does not use up the others."""
    keys = [key for key, _, _ in limits]
    arguments = [value for _, limit, window in limits for value in (limit, window)]
    result = await get_redis().eval(_TAKE, len(keys), *keys, *arguments)  # type: ignore[misc]
    counts = [int(value) for value in result]
    if counts and counts[0] < 0:
        raise error(retry_after=-counts[0])
    return counts


# DECR on an expired counter would create one without a TTL: only a live, positive one is touched.
_GIVE_BACK = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
"""


async def give_back(key: str) -> None:
    """Return a slot that turned out not to count (a successful login from a shared address)."""
    await get_redis().eval(_GIVE_BACK, 1, key)  # type: ignore[misc]
