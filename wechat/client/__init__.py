"""Outbound WeChat API client."""

from wechat.client.api import WeChatClient, jsapi_signature
from wechat.client.base import DEFAULT_API_BASE, WeChatHosts
from wechat.client.pay import RedPackRequest, WeChatPayClient

__all__ = [
    "DEFAULT_API_BASE",
    "RedPackRequest",
    "WeChatClient",
    "WeChatHosts",
    "WeChatPayClient",
    "jsapi_signature",
]
