"""Process-local caches that tests (and a config reload) can empty in one call."""

from typing import Any

_caches: list[dict[Any, Any]] = []


def local_cache() -> dict[Any, Any]:
    cache: dict[Any, Any] = {}
    _caches.append(cache)
    return cache


def clear_all() -> None:
    for cache in _caches:
        cache.clear()
