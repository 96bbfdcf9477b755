"""The access_token, shared by every process through Redis (wechat.md §2.1, reliability WH-12).

Fetching a token invalidates the previous one after 5 minutes, so exactly one caller fetches:
the others wait on a Redis lock and read what it stored. stable_token normal mode returns the
live token, so even two fetches would not invalidate each other; force mode is used only when
WeChat rejects the token that stable_token keeps handing out.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis

Fetch = Callable[[bool], Awaitable[dict[str, Any]]]
EARLY_EXPIRY_SECONDS = 300
LOCK_TIMEOUT_SECONDS = 15
MEMO_SECONDS = 30


class TokenCache:
    def __init__(self, redis: Redis, appid: str, *, prefix: str = "wechat") -> None:
        self.redis = redis
        self.key = f"{prefix}:{appid}:access_token"
        # A client sending many messages reads Redis once per MEMO_SECONDS, not once per call; a
        # token another process rotated meanwhile answers 40001, and `rotate` reads the new one.
        self._memo: tuple[str, float] | None = None

    async def cached(self) -> str | None:
        value = await self.redis.get(self.key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def get(self, fetch: Fetch) -> str:
        if self._memo is not None and time.monotonic() < self._memo[1]:
            return self._memo[0]
        token = await self.cached() or await self._refresh(fetch, stale=None)
        self._memo = (token, time.monotonic() + MEMO_SECONDS)
        return token

    async def rotate(self, fetch: Fetch, stale: str) -> str:
        """After 40001/42001 on `stale`: one refresh across all processes."""
        token = await self._refresh(fetch, stale=stale)
        self._memo = (token, time.monotonic() + MEMO_SECONDS)
        return token

    async def _refresh(self, fetch: Fetch, *, stale: str | None) -> str:
        async with self.redis.lock(
            f"{self.key}:lock", timeout=LOCK_TIMEOUT_SECONDS, blocking_timeout=LOCK_TIMEOUT_SECONDS
        ):
            current = await self.cached()
            if current and current != stale:
                return current  # someone refreshed while we waited for the lock
            result = await fetch(False)
            if stale is not None and result["access_token"] == stale:
                result = await fetch(True)
            token = str(result["access_token"])
            ttl = max(30, int(result.get("expires_in", 7200)) - EARLY_EXPIRY_SECONDS)
            await self.redis.set(self.key, token, ex=ttl)
            return token

    async def clear(self) -> None:
        self._memo = None
        await self.redis.delete(self.key)
