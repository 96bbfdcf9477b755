"""Hardened parsing of WeChat XML bodies (reliability.md WH-6/WH-7)."""

import re
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict

from wechat.errors import CallbackBodyTooLargeError, MalformedXmlError

MAX_BODY_BYTES = 128 * 1024

# WeChat never sends a DTD. Refusing any declaration before expat sees the body also refuses
# billion-laughs and XXE in microseconds, whatever the installed xmltodict/expat versions do.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


def check_size(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> None:
    if len(body) > max_bytes:
        raise CallbackBodyTooLargeError()


def parse_xml(body: bytes | str, *, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The children of the `<xml>` root as a dict (strings, nested dicts, lists)."""
    raw = body.encode() if isinstance(body, str) else body
    check_size(raw, max_bytes)
    if _DECLARATION.search(raw):
        raise MalformedXmlError("XML 中不允许 DTD 或实体声明")
    try:
        document = xmltodict.parse(raw, disable_entities=True)
    except (ExpatError, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise MalformedXmlError() from exc
    root = document.get("xml") if isinstance(document, dict) else None
    if root is None:
        return {}
    if not isinstance(root, dict):
        raise MalformedXmlError("根元素 <xml> 结构无效")
    return dict(root)


def text_field(data: dict[str, Any], name: str, default: str = "") -> str:
    """A scalar field; a repeated or nested element is malformed, not a crash (WH-7)."""
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise MalformedXmlError(f"字段 {name} 必须是文本")
    return value


def as_list(value: Any) -> list[Any]:
    """xmltodict returns a dict for one repeated element and a list for several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
