"""WeChat Pay v2 wire format: flat XML bodies and the MD5 `sign` over the merchant API key.

sign = upper(md5("k1=v1&k2=v2&…&key=API_KEY")) over the non-empty fields in ASCII key order,
`sign` itself excluded (pay.weixin.qq.com v2 签名算法). The client and the sandbox share it.
"""

import hashlib
import hmac
from typing import Any

from wechat.errors import MalformedXmlError
from wechat.replies import cdata
from wechat.xml import parse_xml


def pay_sign(fields: dict[str, Any], api_key: str) -> str:
    pairs = "&".join(
        f"{key}={fields[key]}"
        for key in sorted(fields)
        if key != "sign" and fields[key] not in (None, "")
    )
    return hashlib.md5(f"{pairs}&key={api_key}".encode()).hexdigest().upper()  # noqa: S324


def sign_valid(fields: dict[str, Any], api_key: str) -> bool:
    return hmac.compare_digest(str(fields.get("sign", "")), pay_sign(fields, api_key))


def to_xml(fields: dict[str, Any]) -> str:
    body = "".join(
        f"<{key}>{cdata(str(value))}</{key}>" for key, value in fields.items() if value is not None
    )
    return f"<xml>{body}</xml>"


def from_xml(body: bytes | str) -> dict[str, str]:
    """Flat fields only: a nested or repeated element is malformed (MalformedXmlError)."""
    data = parse_xml(body)
    return {
        key: value if isinstance(value, str) else _scalar(key, value) for key, value in data.items()
    }


def _scalar(key: str, value: Any) -> str:
    if value is None:
        return ""
    raise MalformedXmlError(f"字段 {key} 必须是文本")
