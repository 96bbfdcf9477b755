"""Red packets against the sandbox over a real socket: signing, idempotency, limits, errors."""

import asyncio
from typing import Any

import httpx
import pytest

from tests.wechat.support import APPID, Served
from wechat.client import RedPackRequest, WeChatPayClient
from wechat.errors import (
    PayBalanceError,
    PayBillNotFoundError,
    PayFrequencyLimitError,
    PayMoneyLimitError,
    PayNoAuthError,
    PayOpenidError,
    PayOutcomeUnknownError,
    PayParamError,
    PayRequestRefusedError,
    PaySendNumLimitError,
    PaySignError,
    PaySystemError,
    WeChatPayError,
    pay_error_for,
)
from wechat.paysign import from_xml, pay_sign, to_xml
from wechat.sandbox.state import Injection, Merchant, SandboxState

MCH_ID = "1900000109"
API_KEY = "sandbox-pay-key-0123456789abcdef"
SEND = "/mmpaymkttransfers/sendredpack"


@pytest.fixture
def merchant(sandbox: SandboxState) -> Merchant:
    found = Merchant(MCH_ID, API_KEY, appids=[APPID], balance_fen=100_000)
    sandbox.merchants[MCH_ID] = found
    return found


def pay_client(server: Served, *, key: str = API_KEY, timeout: float = 5.0) -> WeChatPayClient:
    return WeChatPayClient(MCH_ID, key, APPID, api_base=server.url, timeout=timeout)


def packet(
    billno: str = "1900000109202611261000000001", *, openid: str = "o_alice", amount: int = 888
) -> RedPackRequest:
    return RedPackRequest(
        mch_billno=billno,
        openid=openid,
        total_amount=amount,
        send_name="示例品牌",
        wishing="恭喜发财",
        act_name="连续签到奖励",
        remark="感谢支持",
        client_ip="127.0.0.1",
    )


def test_pay_sign_matches_the_wechat_pay_documentation_example() -> None:
    fields = {
        "appid": "wxd930ea5d5a258f4f",
        "mch_id": "10000100",
        "device_info": "1000",
        "body": "test",
        "nonce_str": "ibuaiVcKdpRxkhJA",
        "sign": "ignored",
        "empty": "",
    }
    assert pay_sign(fields, "192006250b4c09247ec02edce69f6a2d") == (
        "9A0A8659F005D6984697E2CA0A9CF3B7"
    )


async def test_send_pays_once_and_shows_on_the_phone(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    async with pay_client(sandbox_server) as client:
        first = await client.send_redpack(packet())
        again = await client.send_redpack(packet())
        info = await client.get_redpack_info(packet().mch_billno)
    assert first["result_code"] == "SUCCESS"
    assert first["total_amount"] == "888"
    assert again["send_listid"] == first["send_listid"]
    assert len(sandbox.redpacks) == 1
    assert merchant.balance_fen == 100_000 - 888
    assert (info["status"], info["openid"], info["total_amount"]) == ("SENT", "o_alice", "888")
    async with httpx.AsyncClient(base_url=sandbox_server.url) as http:
        feed = (await http.get("/sandbox/api/feed", params={"openid": "o_alice"})).json()
    packets = [e for e in feed["entries"] if e["kind"] == "redpack"]
    assert [p["payload"]["total_amount"] for p in packets] == [888]
    assert packets[0]["payload"]["wishing"] == "恭喜发财"


async def test_reused_billno_with_another_payload_is_refused(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    async with pay_client(sandbox_server) as client:
        await client.send_redpack(packet())
        with pytest.raises(PayParamError) as caught:
            await client.send_redpack(packet(amount=999))
    assert caught.value.uncertain is False
    assert [p.total_amount for p in sandbox.redpacks.values()] == [888]
    assert merchant.balance_fen == 100_000 - 888


async def test_wrong_api_key_is_a_sign_error_and_pays_nothing(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    async with pay_client(sandbox_server, key="not-the-merchant-key") as client:
        with pytest.raises(PaySignError) as caught:
            await client.send_redpack(packet())
    assert caught.value.code == "wechat_pay_sign_error"
    assert sandbox.redpacks == {}
    assert merchant.balance_fen == 100_000


async def test_tampered_body_fails_the_sign_check(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    fields: dict[str, Any] = {
        "mch_billno": "B1",
        "mch_id": MCH_ID,
        "wxappid": APPID,
        "send_name": "品牌",
        "re_openid": "o_alice",
        "total_amount": 100,
        "total_num": 1,
        "wishing": "w",
        "client_ip": "127.0.0.1",
        "act_name": "a",
        "remark": "r",
        "nonce_str": "n1",
    }
    fields["sign"] = pay_sign(fields, API_KEY)
    fields["total_amount"] = 20_000
    async with httpx.AsyncClient(base_url=sandbox_server.url) as http:
        answer = from_xml((await http.post(SEND, content=to_xml(fields))).content)
        broken = from_xml((await http.post(SEND, content=b"<xml><a>")).content)
    assert (answer["return_code"], answer["err_code"]) == ("FAIL", "SIGN_ERROR")
    assert broken == {"return_code": "FAIL", "return_msg": "XML格式错误"}
    assert sandbox.redpacks == {}


@pytest.mark.parametrize("amount", [99, 20_001], ids=["under-1-yuan", "over-200-yuan"])
async def test_amount_outside_1_to_200_yuan_is_money_limit(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant, amount: int
) -> None:
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PayMoneyLimitError):
            await client.send_redpack(packet(amount=amount))
    assert sandbox.redpacks == {}
    assert merchant.balance_fen == 100_000


async def test_eleventh_packet_of_the_day_is_sendnum_limit(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    async with pay_client(sandbox_server) as client:
        for n in range(10):
            await client.send_redpack(packet(f"B{n}", amount=100))
        with pytest.raises(PaySendNumLimitError) as caught:
            await client.send_redpack(packet("B10", amount=100))
        await client.send_redpack(packet("B11", openid="o_bob", amount=100))
    assert caught.value.err_code_received == "SENDNUM_LIMIT"
    assert len(sandbox.redpacks) == 11
    assert merchant.balance_fen == 100_000 - 1100


async def test_more_than_1000_yuan_a_day_to_one_user_is_money_limit(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    async with pay_client(sandbox_server) as client:
        for n in range(5):
            await client.send_redpack(packet(f"M{n}", amount=20_000))
        with pytest.raises(PayMoneyLimitError) as caught:
            await client.send_redpack(packet("M5", amount=100))
    assert caught.value.err_code_des == "该用户今日领取金额超过限制"
    assert len(sandbox.redpacks) == 5
    assert merchant.balance_fen == 0


async def test_not_enough_balance_then_the_same_billno_pays_after_top_up(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    merchant.balance_fen = 500
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PayBalanceError) as caught:
            await client.send_redpack(packet())
        assert sandbox.redpacks == {}
        merchant.balance_fen = 1000
        sent = await client.send_redpack(packet())
    assert caught.value.message == "商户账户余额不足，请充值后重试"
    assert sent["mch_billno"] == packet().mch_billno
    assert merchant.balance_fen == 112


async def test_unbound_appid_and_foreign_openid_are_refused(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    sandbox.add_app(appid="wxother", secret="s", token="t")
    sandbox.add_user("wxother", openid="o_other")
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PayOpenidError):
            await client.send_redpack(packet(openid="o_other"))
        with pytest.raises(PayOpenidError):
            await client.send_redpack(packet(openid="o_nobody"))
    async with WeChatPayClient(MCH_ID, API_KEY, "wxother", api_base=sandbox_server.url) as other:
        with pytest.raises(PayNoAuthError):
            await other.send_redpack(packet(openid="o_other"))
    assert sandbox.redpacks == {}


async def test_unknown_merchant_is_refused(sandbox: SandboxState, sandbox_server: Served) -> None:
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PayRequestRefusedError) as caught:
            await client.send_redpack(packet())
    assert caught.value.uncertain is False
    assert sandbox.redpacks == {}


async def test_frequency_limit(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    merchant.per_second = 0
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PayFrequencyLimitError):
            await client.send_redpack(packet())
    assert sandbox.redpacks == {}


async def test_injected_systemerror_before_paying_then_query_finds_nothing(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    sandbox.injections.append(Injection(path=SEND, err_code="SYSTEMERROR"))
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PaySystemError) as caught:
            await client.send_redpack(packet())
        with pytest.raises(PayBillNotFoundError):
            await client.get_redpack_info(packet().mch_billno)
        await client.send_redpack(packet())
    assert caught.value.uncertain is True
    assert len(sandbox.redpacks) == 1
    assert merchant.balance_fen == 100_000 - 888


async def test_injected_systemerror_after_paying_then_query_finds_the_payment(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    sandbox.injections.append(Injection(path=SEND, err_code="SYSTEMERROR", effective=True))
    async with pay_client(sandbox_server) as client:
        with pytest.raises(PaySystemError):
            await client.send_redpack(packet())
        info = await client.get_redpack_info(packet().mch_billno)
        again = await client.send_redpack(packet())
    assert info["status"] == "SENT"
    assert again["send_listid"] == info["detail_id"]
    assert len(sandbox.redpacks) == 1
    assert merchant.balance_fen == 100_000 - 888


async def test_timeout_is_an_unknown_outcome_and_the_payment_may_land(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    sandbox.injections.append(Injection(path=SEND, latency_ms=600))
    async with pay_client(sandbox_server, timeout=0.2) as client:
        with pytest.raises(PayOutcomeUnknownError) as caught:
            await client.send_redpack(packet())
    await asyncio.sleep(0.8)
    async with pay_client(sandbox_server) as client:
        info = await client.get_redpack_info(packet().mch_billno)
    assert caught.value.err_code_received == "TIMEOUT"
    assert info["status"] == "SENT"
    assert len(sandbox.redpacks) == 1


async def test_admin_lists_payments_and_balances(
    sandbox: SandboxState, sandbox_server: Served, merchant: Merchant
) -> None:
    async with pay_client(sandbox_server) as client:
        await client.send_redpack(packet())
    async with httpx.AsyncClient(base_url=sandbox_server.url) as http:
        books = (await http.get("/__admin/redpacks")).json()
    assert [(p["mch_billno"], p["total_amount"]) for p in books["redpacks"]] == [
        (packet().mch_billno, 888)
    ]
    assert books["merchants"] == [{"mch_id": MCH_ID, "appids": [APPID], "balance_fen": 99_112}]


@pytest.mark.parametrize(
    ("err_code", "uncertain"),
    [
        ("SYSTEMERROR", True),
        ("PROCESSING", True),
        ("SOMETHING_NEW", True),
        ("NOTENOUGH", False),
        ("SENDNUMLIMIT", False),
        ("CA_ERROR", False),
    ],
)
def test_unknown_error_codes_are_uncertain(err_code: str, uncertain: bool) -> None:
    error = pay_error_for(err_code, "des")
    assert isinstance(error, WeChatPayError)
    assert error.uncertain is uncertain
    assert error.status_code == 502
