"""WeChat Pay v2 cash red packets (现金红包, wechat.md §2.12): send and query, by mch_billno.

XML in and out, MD5 `sign` over the merchant's API key. Sends are idempotent on
(mch_id, mch_billno): the same bill again answers the original result and never pays twice; the
same bill with another payload is refused. Only paid bills are kept, so a bill that failed
(NOTENOUGH, SENDNUM_LIMIT …) may be sent again with the same number, as WeChat allows. The real
API also demands the merchant's client certificate; the sandbox does not.
"""

import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wechat.errors import WeChatError
from wechat.paysign import from_xml, sign_valid, to_xml
from wechat.sandbox.calls import get_state, take_injection
from wechat.sandbox.state import Merchant, RedPack, SandboxState, User

router = APIRouter(prefix="/mmpaymkttransfers")
SEND_PATH = "/mmpaymkttransfers/sendredpack"
QUERY_PATH = "/mmpaymkttransfers/gethbinfo"
REQUIRED = (
    "nonce_str",
    "sign",
    "mch_billno",
    "mch_id",
    "wxappid",
    "send_name",
    "re_openid",
    "total_amount",
    "total_num",
    "wishing",
    "client_ip",
    "act_name",
    "remark",
)
MAX_PER_USER_PER_DAY = 10
MAX_FEN_PER_USER_PER_DAY = 100_000
AMOUNT_RANGE = (100, 20_000)
SCENE_AMOUNT_RANGE = (30, 499_900)
ERR_DES = {
    "SYSTEMERROR": "系统繁忙，请稍后再试。",
    "PARAM_ERROR": "参数错误",
    "NOTENOUGH": "帐号余额不足，请到商户平台充值后再重试",
    "SENDNUM_LIMIT": "该用户今日领取红包个数超过限制",
    "MONEY_LIMIT": "发放金额、最小金额、最大金额必须在限定范围内",
    "FREQ_LIMIT": "超过频率限制，请稍后再试",
    "NO_AUTH": "发放失败，此请求可能存在风险，已被微信拦截",
    "OPENID_ERROR": "openid和appid不匹配",
    "NOT_FOUND": "指定单号数据不存在",
    "PROCESSING": "请求已受理，请稍后使用原单号查询发放结果",
    "SEND_FAILED": "发放失败，请更换单号再重试",
}


class PayFailError(Exception):
    def __init__(self, err_code: str, des: str = "") -> None:
        super().__init__(err_code)
        self.err_code = err_code
        self.des = des or ERR_DES.get(err_code, err_code)


def xml_response(fields: dict[str, Any]) -> Response:
    return Response(to_xml(fields), media_type="text/xml")


def return_fail(message: str) -> Response:
    """return_code=FAIL: the request itself was refused (bad XML, unknown merchant, sign)."""
    return xml_response({"return_code": "FAIL", "return_msg": message})


def result_fail(err_code: str, body: dict[str, str], des: str = "") -> Response:
    return xml_response(
        {
            "return_code": "SUCCESS",
            "return_msg": "",
            "result_code": "FAIL",
            "err_code": err_code,
            "err_code_des": des or ERR_DES.get(err_code, ""),
            "mch_billno": body.get("mch_billno", ""),
            "mch_id": body.get("mch_id", ""),
        }
    )


async def _open(request: Request, path: str) -> tuple[SandboxState, dict[str, str], Any]:
    state = get_state(request)
    state.calls[path] += 1
    try:
        body = from_xml(await request.body())
    except WeChatError:  # malformed or oversized: answered as return_code=FAIL
        body = {}
    return state, body, await take_injection(state, path, body)


def _merchant(state: SandboxState, body: dict[str, str]) -> Merchant | Response:
    if not body:
        return return_fail("XML格式错误")
    merchant = state.merchants.get(body.get("mch_id", ""))
    if merchant is None:
        return return_fail("mch_id参数错误")
    if not sign_valid(body, merchant.api_key):
        return xml_response(
            {"return_code": "FAIL", "return_msg": "签名错误", "err_code": "SIGN_ERROR"}
        )
    return merchant


def _fingerprint(body: dict[str, str]) -> str:
    keys = ("wxappid", "re_openid", "total_amount", "total_num", "send_name", "act_name")
    return hashlib.sha256("|".join(body.get(k, "") for k in keys).encode()).hexdigest()


def _day(state: SandboxState, at: float) -> int:
    return int((at + 8 * 3600) // 86400)  # WeChat counts days in Beijing time


def _check(state: SandboxState, merchant: Merchant, body: dict[str, str]) -> tuple[User, int]:
    missing = [name for name in REQUIRED if not body.get(name)]
    if missing or len(body["mch_billno"]) > 28 or body["total_num"] != "1":
        detail = ",".join(missing) or "mch_billno/total_num"
        raise PayFailError("PARAM_ERROR", f"参数错误：{detail}")
    if not body["total_amount"].isdigit():
        raise PayFailError("PARAM_ERROR", "total_amount 必须是整数（分）")
    amount = int(body["total_amount"])
    low, high = SCENE_AMOUNT_RANGE if body.get("scene_id") else AMOUNT_RANGE
    if not low <= amount <= high:
        raise PayFailError("MONEY_LIMIT")
    if body["wxappid"] not in merchant.appids:
        raise PayFailError("NO_AUTH", "商户号与 wxappid 未绑定")
    user = state.users.get(body["re_openid"])
    if user is None or user.appid != body["wxappid"]:
        raise PayFailError("OPENID_ERROR")
    today = _day(state, state.clock.now())
    received = [
        p
        for p in state.redpacks.values()
        if p.openid == user.openid and _day(state, p.send_time) == today
    ]
    if len(received) >= MAX_PER_USER_PER_DAY:
        raise PayFailError("SENDNUM_LIMIT")
    if sum(p.total_amount for p in received) + amount > MAX_FEN_PER_USER_PER_DAY:
        raise PayFailError("MONEY_LIMIT", "该用户今日领取金额超过限制")
    second = (merchant.mch_id, int(state.clock.now()))
    if state.pay_calls[second] >= merchant.per_second:
        raise PayFailError("FREQ_LIMIT")
    if merchant.balance_fen < amount:
        raise PayFailError("NOTENOUGH")
    state.pay_calls[second] += 1
    return user, amount


def _pay(state: SandboxState, merchant: Merchant, body: dict[str, str]) -> RedPack:
    user, amount = _check(state, merchant, body)
    merchant.balance_fen -= amount
    now = int(state.clock.now())
    packet = RedPack(
        mch_id=merchant.mch_id,
        mch_billno=body["mch_billno"],
        wxappid=body["wxappid"],
        openid=user.openid,
        total_amount=amount,
        fingerprint=_fingerprint(body),
        send_listid=f"1000041701{now}{state.next_number():08d}",
        send_time=now,
        fields=dict(body),
    )
    state.redpacks[(merchant.mch_id, packet.mch_billno)] = packet
    state.record(
        "redpack",
        state.apps[user.appid],
        user.openid,
        {
            "send_name": body["send_name"],
            "wishing": body["wishing"],
            "act_name": body["act_name"],
            "total_amount": amount,
            "mch_billno": packet.mch_billno,
        },
    )
    return packet


def _sent(packet: RedPack) -> dict[str, Any]:
    return {
        "return_code": "SUCCESS",
        "return_msg": "发放成功",
        "result_code": "SUCCESS",
        "err_code": "SUCCESS",
        "err_code_des": "发放成功",
        "mch_billno": packet.mch_billno,
        "mch_id": packet.mch_id,
        "wxappid": packet.wxappid,
        "re_openid": packet.openid,
        "total_amount": packet.total_amount,
        "send_listid": packet.send_listid,
    }


@router.post("/sendredpack")
async def send_redpack(request: Request) -> Response:
    state, body, injection = await _open(request, SEND_PATH)
    if injection is not None and injection.err_code and not injection.effective:
        return result_fail(injection.err_code, body)
    merchant = _merchant(state, body)
    if isinstance(merchant, Response):
        return merchant
    existing = state.redpacks.get((merchant.mch_id, body.get("mch_billno", "")))
    try:
        if existing is not None and existing.fingerprint != _fingerprint(body):
            raise PayFailError("PARAM_ERROR", "商户订单号重复，且与原请求参数不一致")
        packet = existing or _pay(state, merchant, body)
    except PayFailError as failure:
        return result_fail(failure.err_code, body, failure.des)
    if injection is not None and injection.err_code:
        return result_fail(injection.err_code, body)  # paid, but the answer is lost
    return xml_response(_sent(packet))


@router.post("/gethbinfo")
async def get_hb_info(request: Request) -> Response:
    state, body, injection = await _open(request, QUERY_PATH)
    if injection is not None and injection.err_code:
        return result_fail(injection.err_code, body)
    merchant = _merchant(state, body)
    if isinstance(merchant, Response):
        return merchant
    if body.get("bill_type") != "MCHT" or not body.get("mch_billno"):
        return result_fail("PARAM_ERROR", body)
    packet = state.redpacks.get((merchant.mch_id, body["mch_billno"]))
    if packet is None:
        return result_fail("NOT_FOUND", body)
    return xml_response(
        {
            "return_code": "SUCCESS",
            "return_msg": "OK",
            "result_code": "SUCCESS",
            "mch_billno": packet.mch_billno,
            "mch_id": packet.mch_id,
            "detail_id": packet.send_listid,
            "status": packet.status,
            "send_type": "API",
            "hb_type": "NORMAL",
            "total_num": 1,
            "total_amount": packet.total_amount,
            "send_time": packet.send_time,
            "openid": packet.openid,
            "amount": packet.total_amount,
        }
    )
