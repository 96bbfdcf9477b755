"""The WeChat Pay merchant: API key sealed at rest, certificate paths, the console form, and the
service sending through the sandbox on the configured pay base URL."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from crm_core import vault
from crm_core.audit import SYSTEM, AuditLog
from crm_core.config import get_settings
from tests.factories import bearer, make_staff
from tests.wechat.callback_support import make_account
from tests.wechat.support import APPID, Served
from wechat.client.pay import WeChatPayClient, tls_context
from wechat.errors import AccountNotFoundError, MerchantNotConfiguredError, PayCertificateError
from wechat.models import PayMerchant
from wechat.sandbox.state import Merchant, SandboxState
from wechat.schemas import MerchantSet
from wechat.service import pay

API_KEY = "sandbox-pay-key-0123456789abcdef"


def merchant_set(account_id: int, **values: object) -> MerchantSet:
    fields: dict[str, object] = {
        "account_id": account_id,
        "mch_id": "1900000109",
        "api_key": SecretStr(API_KEY),
        "send_name": "示例品牌",
        **values,
    }
    return MerchantSet(**fields)  # type: ignore[arg-type]


@pytest.fixture
def pay_base(sandbox_server: Served, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("WECHAT_PAY_API_BASE", sandbox_server.url)
    get_settings.cache_clear()
    yield sandbox_server.url
    get_settings.cache_clear()


def test_pay_base_defaults_to_the_merchant_host_and_follows_a_sandbox_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WECHAT_PAY_API_BASE", raising=False)
    monkeypatch.delenv("WECHAT_API_BASE", raising=False)
    get_settings.cache_clear()
    assert get_settings().pay_api_base == "https://api.mch.weixin.qq.com"
    monkeypatch.setenv("WECHAT_API_BASE", "http://127.0.0.1:8900/")
    get_settings.cache_clear()
    assert get_settings().pay_api_base == "http://127.0.0.1:8900"
    monkeypatch.setenv("WECHAT_PAY_API_BASE", "http://127.0.0.1:9999")
    get_settings.cache_clear()
    assert get_settings().pay_api_base == "http://127.0.0.1:9999"
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_api_key_is_sealed_and_replacing_the_merchant_keeps_one_row() -> None:
    account = await make_account(appid=APPID)
    first = await pay.set_merchant(SYSTEM, merchant_set(account.id))
    stored = await PayMerchant.get(account_id=account.id)
    assert stored.api_key_sealed != API_KEY
    assert vault.open_sealed(stored.api_key_sealed) == API_KEY
    second = await pay.set_merchant(SYSTEM, merchant_set(account.id, send_name="新名称"))
    assert second.id == first.id
    assert (second.send_name, second.has_certificate) == ("新名称", False)
    assert await PayMerchant.all().count() == 1
    logs = await AuditLog.filter(action="wechat.pay_merchant.set").order_by("id")
    assert [log.after for log in logs] == [
        {"mch_id": "1900000109", "send_name": "示例品牌", "certificate": False},
        {"mch_id": "1900000109", "send_name": "新名称", "certificate": False},
    ]
    assert API_KEY not in str([log.after for log in logs])
    target = await pay.active_target()
    assert target == pay.PayTarget(first.id, "1900000109", APPID)


async def test_unknown_account_and_half_a_certificate_are_refused() -> None:
    with pytest.raises(AccountNotFoundError):
        await pay.set_merchant(SYSTEM, merchant_set(999))
    with pytest.raises(ValidationError, match="同时填写"):
        merchant_set(1, cert_path="/etc/scrm/apiclient_cert.pem")
    assert await PayMerchant.all().count() == 0


async def test_service_sends_through_the_configured_base(
    sandbox: SandboxState, pay_base: str
) -> None:
    sandbox.merchants["1900000109"] = Merchant("1900000109", API_KEY, appids=[APPID])
    account = await make_account(appid=APPID)
    merchant = await pay.set_merchant(SYSTEM, merchant_set(account.id))
    sent = await pay.send_redpack(
        merchant.id,
        mch_billno="B-SERVICE-1",
        openid="o_alice",
        amount_fen=520,
        wishing="祝福",
        act_name="活动",
        remark="备注",
    )
    info = await pay.query_redpack(merchant.id, "B-SERVICE-1")
    assert (sent["re_openid"], sent["total_amount"]) == ("o_alice", "520")
    assert info["status"] == "SENT"
    assert sandbox.redpacks[("1900000109", "B-SERVICE-1")].fields["send_name"] == "示例品牌"


async def test_a_disabled_merchant_cannot_send(sandbox: SandboxState, pay_base: str) -> None:
    account = await make_account(appid=APPID)
    merchant = await pay.set_merchant(SYSTEM, merchant_set(account.id))
    await PayMerchant.filter(id=merchant.id).update(is_active=False)
    with pytest.raises(MerchantNotConfiguredError):
        await pay.send_redpack(
            merchant.id,
            mch_billno="B1",
            openid="o_alice",
            amount_fen=520,
            wishing="w",
            act_name="a",
            remark="r",
        )
    assert sandbox.calls["/mmpaymkttransfers/sendredpack"] == 0


def test_certificate_files_are_loaded_for_production(tmp_path: Path) -> None:
    with pytest.raises(PayCertificateError) as caught:
        tls_context(str(tmp_path / "missing_cert.pem"), str(tmp_path / "missing_key.pem"))
    assert caught.value.uncertain is False
    with pytest.raises(PayCertificateError):
        WeChatPayClient(
            "1900000109", API_KEY, APPID, cert=(str(tmp_path / "a.pem"), str(tmp_path / "b.pem"))
        )


async def test_the_console_saves_the_merchant_and_never_reads_the_key_back(
    client: httpx.AsyncClient,
) -> None:
    account = await make_account(appid=APPID)
    headers = await bearer(await make_staff("admin", username="boss"))
    empty = await client.get("/api/v1/wechat/pay-merchant", headers=headers)
    assert (empty.status_code, empty.json()) == (200, None)
    saved = await client.put(
        "/api/v1/wechat/pay-merchant",
        json={
            "account_id": account.id,
            "mch_id": "1900000109",
            "api_key": API_KEY,
            "send_name": "示例品牌",
            "client_ip": "10.0.0.8",
        },
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    stored = await PayMerchant.get(account_id=account.id)
    assert (stored.mch_id, stored.client_ip) == ("1900000109", "10.0.0.8")
    read = await client.get("/api/v1/wechat/pay-merchant", headers=headers)
    assert read.json()["mch_id"] == "1900000109"
    assert API_KEY not in read.text
    assert stored.api_key_sealed not in read.text


async def test_demo_seed_configures_the_sandbox_merchant_once() -> None:
    from scrm.demo_wechat import seed_wechat
    from wechat.sandbox.__main__ import DEMO_APP, DEMO_MERCHANT

    assert (await seed_wechat()).endswith(f"微信支付商户号 {DEMO_MERCHANT['mch_id']}")
    await seed_wechat()
    target = await pay.active_target()
    assert target is not None
    assert (target.mch_id, target.appid) == (DEMO_MERCHANT["mch_id"], DEMO_APP["appid"])
    stored = await PayMerchant.get()
    assert vault.open_sealed(stored.api_key_sealed) == DEMO_MERCHANT["api_key"]
    assert await PayMerchant.all().count() == 1
