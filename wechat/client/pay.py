"""WeChat Pay v2 cash red packets: send (`sendredpack`) and query (`gethbinfo`) by mch_billno.

Sends are never retried here: a timeout or SYSTEMERROR leaves the outcome unknown, and only the
caller, after querying the bill, may send the same mch_billno again (wechat.md §2.12). The real
API requires the merchant's client certificate (apiclient_cert.pem + apiclient_key.pem); it is
loaded into the TLS context, which is what httpx's deprecated `cert=` did. The sandbox needs none.
"""

import ssl
from dataclasses import dataclass
from typing import Any

import httpx

from wechat.crypto import random_nonce
from wechat.errors import (
    PayCertificateError,
    PayOutcomeUnknownError,
    PayRequestRefusedError,
    PaySignError,
    WeChatError,
    pay_error_for,
)
from wechat.paysign import from_xml, pay_sign, to_xml

DEFAULT_PAY_BASE = "https://api.mch.weixin.qq.com"


@dataclass(frozen=True)
class RedPackRequest:
    mch_billno: str
    openid: str
    total_amount: int
    send_name: str
    wishing: str
    act_name: str
    remark: str
    client_ip: str
    scene_id: str | None = None


def tls_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    try:
        context.load_cert_chain(cert_path, key_path)
    except (OSError, ssl.SSLError) as exc:
        raise PayCertificateError("CA_ERROR", f"{type(exc).__name__}: {cert_path}") from exc
    return context


class WeChatPayClient:
    def __init__(
        self,
        mch_id: str,
        api_key: str,
        appid: str,
        *,
        api_base: str = DEFAULT_PAY_BASE,
        cert: tuple[str, str] | None = None,
        timeout: float = 10.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.mch_id = mch_id
        self.api_key = api_key
        self.appid = appid
        self.api_base = api_base.rstrip("/")
        self._owns_http = http is None
        verify: ssl.SSLContext | bool = tls_context(*cert) if cert else True
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=3.05), verify=verify
        )

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> "WeChatPayClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def send_redpack(self, request: RedPackRequest) -> dict[str, str]:
        """The SUCCESS answer; raises WeChatPayError (`uncertain` says whether to query)."""
        fields: dict[str, Any] = {
            "mch_billno": request.mch_billno,
            "mch_id": self.mch_id,
            "wxappid": self.appid,
            "send_name": request.send_name,
            "re_openid": request.openid,
            "total_amount": request.total_amount,
            "total_num": 1,
            "wishing": request.wishing,
            "client_ip": request.client_ip,
            "act_name": request.act_name,
            "remark": request.remark,
            "scene_id": request.scene_id,
        }
        return await self._post("/mmpaymkttransfers/sendredpack", fields)

    async def get_redpack_info(self, mch_billno: str) -> dict[str, str]:
        """The bill's `status` (SENDING/SENT/FAILED/RECEIVED/RFUND_ING/REFUND);
        PayBillNotFoundError when WeChat never accepted it."""
        return await self._post(
            "/mmpaymkttransfers/gethbinfo",
            {
                "mch_billno": mch_billno,
                "bill_type": "MCHT",
                "appid": self.appid,
                "mch_id": self.mch_id,
            },
        )

    async def _post(self, path: str, fields: dict[str, Any]) -> dict[str, str]:
        body = {k: v for k, v in fields.items() if v is not None}
        body["nonce_str"] = random_nonce()
        body["sign"] = pay_sign(body, self.api_key)
        try:
            response = await self.http.post(
                f"{self.api_base}{path}",
                content=to_xml(body),
                headers={"Content-Type": "text/xml; charset=utf-8"},
            )
        except httpx.TransportError as exc:
            # Even a connect error is reported as unknown: the caller queries, which is cheap.
            raise PayOutcomeUnknownError("TIMEOUT", type(exc).__name__) from exc
        if response.status_code >= 500:
            raise PayOutcomeUnknownError("HTTP", str(response.status_code))
        try:
            data = from_xml(response.content)
        except WeChatError as exc:  # an unreadable answer leaves the outcome open
            raise PayOutcomeUnknownError("BAD_RESPONSE", exc.code) from exc
        return self._result(data)

    @staticmethod
    def _result(data: dict[str, str]) -> dict[str, str]:
        if data.get("return_code") != "SUCCESS":
            if data.get("err_code") == "SIGN_ERROR" or "签名" in data.get("return_msg", ""):
                raise PaySignError("SIGN_ERROR", data.get("return_msg", ""))
            raise PayRequestRefusedError(data.get("err_code") or "FAIL", data.get("return_msg", ""))
        if data.get("result_code") != "SUCCESS":
            raise pay_error_for(data.get("err_code", ""), data.get("err_code_des", ""))
        return data
