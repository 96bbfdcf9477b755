"""HTTP core of the WeChat client: base URLs, token, timeouts, bounded retries, typed errors.

Why httpx and not wechatpy here: wechatpy 1.8.18 is synchronous (`requests`), recurses without
limit on a persistent 40001, hard-codes hosts that `API_BASE_URL` does not cover, and has no
stable_token. The product needs ~30 endpoints; an async httpx core builds every URL from one
configurable base (so there are no hard-coded hosts to rewrite), runs natively in the FastAPI
and Celery event loops, and keeps the retry budget explicit. wechatpy remains the source of the
AES cipher (`wechat.crypto`); `wechat.client.compat` applies wechat.md §3.4 to wechatpy for the
long tail of endpoints not wrapped here.
"""

import asyncio
import functools
import json
import logging
import ssl
import urllib.request
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from wechat.client.token import TokenCache
from wechat.errors import (
    SystemBusyError,
    TokenInvalidError,
    WeChatUnavailableError,
    api_error_for,
)

logger = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://api.weixin.qq.com"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.05)
URLS_KEPT = 64


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~10–50 ms of CPU, which
    a client per message (a campaign's sender) would otherwise pay for every member."""
    return httpx.create_ssl_context()


def _environment_proxies() -> bool:
    """Whether HTTP(S)_PROXY / ALL_PROXY are set: httpx.AsyncClient routes through them, so a
    client then sends through it alone (`WeChatBaseClient._request`). NO_PROXY alone is none."""
    return any(scheme != "no" for scheme in urllib.request.getproxies())


# What httpx.AsyncClient would add to a request by default, minus compression and cookies
# (WeChat's answers are small JSON; it sets no cookies).
_HEADERS = {"User-Agent": f"python-httpx/{httpx.__version__}", "Accept": "*/*"}


@dataclass(frozen=True)
class WeChatHosts:
    """Where each WeChat host lives. Off the default base (sandbox, demo), all share one root."""

    api: str = DEFAULT_API_BASE
    mp: str = "https://mp.weixin.qq.com"
    open: str = "https://open.weixin.qq.com"

    @classmethod
    def for_base(cls, api_base: str | None) -> "WeChatHosts":
        base = (api_base or DEFAULT_API_BASE).rstrip("/")
        if base == DEFAULT_API_BASE:
            return cls()
        return cls(api=base, mp=base, open=base)


class WeChatBaseClient:
    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        redis: Redis,
        api_base: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        backoff_seconds: float = 0.2,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.hosts = WeChatHosts.for_base(api_base)
        self.tokens = TokenCache(redis, appid)
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self._owns_http = http is None
        # Requests go straight to the client's connection pool (`_request`) unless the caller
        # brought its own client or the environment names a proxy.
        self._pool: httpx.AsyncHTTPTransport | None = None
        if http is None and not _environment_proxies():
            self._pool = httpx.AsyncHTTPTransport(verify=tls_context())
            http = httpx.AsyncClient(timeout=timeout, transport=self._pool)
        self.http = http or httpx.AsyncClient(timeout=timeout, verify=tls_context())
        self._urls: dict[tuple[str, str], httpx.URL] = {}

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> "WeChatBaseClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _send(
        self, method: str, url: str | httpx.URL, *, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        """Retry transport failures and errcode -1 with backoff; bounded by `max_retries`."""
        for attempt in range(self.max_retries + 1):
            try:
                response = await self._request(method, url, **kwargs)
            except httpx.ConnectError as exc:
                error: Exception = exc  # not sent at all: always safe to retry
            except httpx.TransportError as exc:
                if not idempotent:
                    raise WeChatUnavailableError(-1, type(exc).__name__) from exc
                error = exc
            else:
                if not (idempotent and response.status_code >= 500):
                    return response
                error = WeChatUnavailableError(-1, f"HTTP {response.status_code}")
            if attempt == self.max_retries:
                raise WeChatUnavailableError(-1, type(error).__name__) from error
            logger.warning(
                "wechat_retry", extra={"url": str(url).split("?")[0], "attempt": attempt}
            )
            await asyncio.sleep(self.backoff_seconds * 2**attempt)
        raise AssertionError("unreachable")

    async def _request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        files: Any = None,
        json: Any = None,
    ) -> httpx.Response:
        """One HTTP exchange, the answer read whole. Without an upload, straight through the
        connection pool: httpx.AsyncClient's auth, redirect, cookie and event-hook layers do
        nothing for WeChat's JSON API, and cost a campaign sender 0.1–0.2 ms of CPU per
        message (bench/campaigns.py, template messages). Same timeouts,
        same keep-alive pool, same httpx exceptions (the transport maps httpcore's)."""
        if self._pool is None or files is not None or json is not None:
            return await self.http.request(
                method, url, params=params, content=content, headers=headers, files=files, json=json
            )
        request = httpx.Request(
            method,
            url,
            params=params,
            content=content,
            headers=_HEADERS | headers if headers else _HEADERS,
            extensions={"timeout": self.http.timeout.as_dict()},
        )
        response = await self._pool.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    def _url(self, path: str, params: dict[str, Any] | None, token: str) -> httpx.URL:
        """The API URL with the access_token. Without other parameters it is kept per path and
        token: parsing a URL costs ~40 µs, a campaign sender's every message."""
        if params:
            return httpx.URL(f"{self.hosts.api}{path}", params={**params, "access_token": token})
        url = self._urls.get((path, token))
        if url is None:
            if len(self._urls) >= URLS_KEPT:
                self._urls.clear()  # old tokens' URLs
            url = httpx.URL(f"{self.hosts.api}{path}", params={"access_token": token})
            self._urls[path, token] = url
        return url

    async def _fetch_token(self, force: bool) -> dict[str, Any]:
        response = await self._send(
            "POST",
            f"{self.hosts.api}/cgi-bin/stable_token",
            idempotent=True,
            json={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "force_refresh": force,
            },
        )
        return self._result(response)

    @staticmethod
    def _result(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise WeChatUnavailableError(-1, f"non-JSON HTTP {response.status_code}") from exc
        if not isinstance(data, dict):
            raise WeChatUnavailableError(-1, "unexpected JSON shape")
        errcode = int(data.get("errcode") or 0)
        if errcode:
            raise api_error_for(errcode, str(data.get("errmsg", "")), response=data)
        return data

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        files: Any = None,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        result = await self._call(
            method,
            path,
            params=params,
            json_body=json_body,
            files=files,
            idempotent=idempotent,
            raw=False,
        )
        assert isinstance(result, dict)
        return result

    async def call_bytes(
        self, method: str, path: str, *, params: dict[str, Any] | None = None
    ) -> bytes:
        """A download: bytes on success, the typed error when WeChat answers with JSON."""
        result = await self._call(
            method, path, params=params, json_body=None, files=None, idempotent=True, raw=True
        )
        assert isinstance(result, bytes)
        return result

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None,
        json_body: dict[str, Any] | None,
        files: Any,
        idempotent: bool,
        raw: bool,
    ) -> dict[str, Any] | bytes:
        """One API call with the access_token; on 40001/40014/42001 rotate once and retry once.

        `idempotent` also allows retrying errcode -1; sends without a dedupe id must not.
        """
        content = None
        headers = {}
        if json_body is not None:
            # WeChat rejects \\u-escaped JSON text (40033): send UTF-8 as is.
            content = json.dumps(json_body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        token = await self.tokens.get(self._fetch_token)
        busy_budget = self.max_retries if idempotent else 0
        for rotation in range(2):
            for busy in range(busy_budget + 1):
                response = await self._send(
                    method,
                    self._url(path, params, token),
                    idempotent=idempotent,
                    content=content,
                    headers=headers,
                    files=files,
                )
                if raw and not response.headers.get("content-type", "").startswith(
                    ("application/json", "text/plain")
                ):
                    return response.content
                try:
                    return self._result(response)
                except TokenInvalidError:
                    if rotation:
                        raise  # persistent 40001 is a clean failure, never a recursion
                    token = await self.tokens.rotate(self._fetch_token, stale=token)
                    break
                except SystemBusyError:
                    if busy == busy_budget:
                        raise
                    await asyncio.sleep(self.backoff_seconds * 2**busy)
        raise AssertionError("unreachable")
