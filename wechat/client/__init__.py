"""Outbound WeChat API client."""

from wechat.client.api import WeChatClient, jsapi_signature
from wechat.client.base import DEFAULT_API_BASE, WeChatHosts

__all__ = ["DEFAULT_API_BASE", "WeChatClient", "WeChatHosts", "jsapi_signature"]
