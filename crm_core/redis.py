"""The shared Redis client (cache, locks, dedupe, rate limits, sessions)."""

from redis.asyncio import Redis

_client: list[Redis] = []


def connect(url: str) -> Redis:
    client = Redis.from_url(url, decode_responses=True)
    _client[:] = [client]
    return client


def get_redis() -> Redis:
    if not _client:
        raise RuntimeError("Redis is not connected; call crm_core.redis.connect() at start-up")
    return _client[0]


async def close() -> None:
    if _client:
        await _client.pop().aclose()
