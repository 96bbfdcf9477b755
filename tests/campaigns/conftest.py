"""The WeChat sandbox fixtures of tests/wechat, for routing tests that send over HTTP."""

from tests.wechat.conftest import account, redis, sandbox, sandbox_server

__all__ = ["account", "redis", "sandbox", "sandbox_server"]
