"""The shared Redis client (cache, locks, dedupe, rate limits, sessions)."""

from redis.asyncio import BlockingConnectionPool, Redis

_client: list[Redis] = []


def connect(url: str, *, max_connections: int = 64) -> Redis:
    # A burst waits for a free connection instead of failing with "Too many connections".
    pool = BlockingConnectionPool.from_url(
        url, decode_responses=True, max_connections=max_connections, timeout=10
    )
    client = Redis(connection_pool=pool)
    _client[:] = [client]
    return client


def get_redis() -> Redis:
    if not _client:
        raise RuntimeError("Redis is not connected; call crm_core.redis.connect() at start-up")
    return _client[0]


async def close() -> None:
    if _client:
        await _client.pop().aclose()
