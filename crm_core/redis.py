"""The shared Redis client (cache, locks, dedupe, rate limits, sessions)."""

from redis import Redis as SyncRedis
from redis.asyncio import BlockingConnectionPool, Redis

_client: list[Redis] = []
_url: list[str] = []


def connect(url: str, *, max_connections: int = 64) -> Redis:
    # A burst waits for a free connection instead of failing with "Too many connections".
    pool = BlockingConnectionPool.from_url(
        url, decode_responses=True, max_connections=max_connections, timeout=10
    )
    client = Redis(connection_pool=pool)
    _client[:] = [client]
    _url[:] = [url]
    return client


def sync_client() -> SyncRedis:
    """A blocking client on the same server, for progress written from inside CPU-bound code
    (an export being rendered) where the event loop cannot run."""
    if not _url:
        raise RuntimeError("Redis is not connected; call crm_core.redis.connect() at start-up")
    return SyncRedis.from_url(_url[0], decode_responses=True)


def get_redis() -> Redis:
    if not _client:
        raise RuntimeError("Redis is not connected; call crm_core.redis.connect() at start-up")
    return _client[0]


async def close() -> None:
    if _client:
        await _client.pop().aclose()
