"""The access_token, shared by every process through Redis (wechat.md §2.1, reliability WH-12).

Fetching a token invalidates the previous one after 5 minutes, so exactly one caller fetches:
the others wait on a Redis lock and read what it stored. stable_token normal mode returns the
live token, so even two fetches would not invalidate each other; force mode is used only when
WeChat rejects the token that stable_token keeps handing out.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis

Fetch = Callable[[bool], Awaitable[dict[str, Any]]]
EARLY_EXPIRY_SECONDS = 300
LOCK_TIMEOUT_SECONDS = 15


class TokenCache:
    def __init__(self, redis: Redis, appid: str, *, prefix: str = "wechat") -> None:
        self.redis = redis
        self.key = f"{prefix}:{appid}:access_token"

    async def cached(self) -> str | None:
        value = await self.redis.get(self.key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def get(self, fetch: Fetch) -> str:
        token = await self.cached()
        if token:
            return token
        return await self._refresh(fetch, stale=None)

    async def rotate(self, fetch: Fetch, stale: str) -> str:
        """After 40001/42001 on `stale`: one refresh across all processes."""
        return await self._refresh(fetch, stale=stale)

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
        await self.redis.delete(self.key)
