"""Rate limits in Redis, shared by every process: fixed windows (logins, SMS codes, lottery
draws) and sliding windows (calls to WeChat, whose limits hold in any window).

Counting happens first and atomically (one Lua script), so a burst of concurrent requests cannot
all pass a check made before any of them is counted.
"""

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator

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


# A sliding window: a sorted set of call times (Redis TIME, microseconds; one clock for every
# worker). A call is admitted while fewer than `limit` calls lie in the last window, ends
# included, so no window of that length, wherever it starts, holds more than `limit` (a fixed
# window lets 2 x limit through across its boundary). Returns 0, or microseconds until the oldest
# call leaves the window. KEYS: the set; ARGV: limit, window in microseconds, a unique member,
# and the member of a finished call to count from now ('' for none; see `Pace`).
_SLIDE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local window = tonumber(ARGV[2])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[1], 'XX', now, ARGV[4]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window - 1)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return oldest + window - now + 1
"""

# The call is over: it counts from now. ARGV: window in microseconds, the slot's member.
_FINISH = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now, ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
"""


def _microseconds(limit: int, window_seconds: float) -> int:
    if limit < 1 or window_seconds <= 0:
        raise ValueError("a sliding window needs limit >= 1 and a positive length")
    return round(window_seconds * 1_000_000)


async def try_acquire(
    key: str, limit: int, window_seconds: float, *, slot: str = "", finished: str = ""
) -> float:
    """Take a slot of the sliding window if one is free: 0.0, else the seconds until one may be.

    One Redis round trip. `slot` names the slot for `hold`; any unique string. `finished` is a
    slot whose call has ended, counted from now first."""
    window = _microseconds(limit, window_seconds)
    wait = await get_redis().eval(  # type: ignore[misc]
        _SLIDE, 1, key, limit, window, slot or secrets.token_hex(8), finished
    )
    return int(wait) / 1_000_000


async def acquire(
    key: str, limit: int, window_seconds: float, *, slot: str = "", finished: str = ""
) -> float:
    """Wait until the sliding window has a slot, take it, and return the seconds waited.

    Waiters sleep until the oldest call leaves the window, then race for the slot again."""
    started = time.monotonic()
    while True:
        wait = await try_acquire(key, limit, window_seconds, slot=slot, finished=finished)
        finished = ""
        if not wait:
            return time.monotonic() - started
        # The wait comes from Redis (other processes' calls): no local event can end it sooner.
        await asyncio.sleep(wait)


@contextlib.asynccontextmanager
async def hold(key: str, limit: int, window_seconds: float) -> AsyncIterator[float]:
    """A slot for the call made inside the block, counted from when the block ends (yields the
    seconds waited).

    A remote service counts a call when it arrives, somewhere between our taking the slot and
    the answer; network and scheduling jitter can put that arrival well after the slot's time.
    Counting the call from its end means the service sees no more than `limit` calls in any
    window, whatever the jitter (a call outlasting the window counts from its start). Costs a
    second round trip, after the call."""
    slot = secrets.token_hex(8)
    waited = await acquire(key, limit, window_seconds, slot=slot)
    try:
        yield waited
    finally:
        await _finish(key, limit, window_seconds, slot)


async def _finish(key: str, limit: int, window_seconds: float, slot: str) -> None:
    await get_redis().eval(  # type: ignore[misc]
        _FINISH, 1, key, _microseconds(limit, window_seconds), slot
    )


class Pace:
    """`hold` for one caller's run of calls at one Redis call each: a call's end is written with
    the next call's slot (or by `aclose`). Until then its slot counts from its start, which lets
    more through only when the call and what follows it outlast the window; written later than
    the true end, it holds the next ones back a little longer, never less."""

    def __init__(self, key: str, limit: int, window_seconds: float) -> None:
        self.key, self.limit, self.window_seconds = key, limit, window_seconds
        self._finished = ""

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[float]:
        slot = secrets.token_hex(8)
        finished, self._finished = self._finished, ""
        waited = await acquire(
            self.key, self.limit, self.window_seconds, slot=slot, finished=finished
        )
        try:
            yield waited
        finally:
            self._finished = slot

    async def aclose(self) -> None:
        finished, self._finished = self._finished, ""
        if finished:
            await _finish(self.key, self.limit, self.window_seconds, finished)
