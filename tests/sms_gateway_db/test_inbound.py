"""Replies, opt-outs, status reports and incoming calls through the daemon (gsm.md §6.9)."""

import re

import pytest

from crm_core.permissions import ALL, Principal
from sms_gateway.errors import NumberSuppressedError
from sms_gateway.models import MessageKind, SmsCall, SmsInbound, SmsMessage, SmsPart, SmsStatus
from sms_gateway.schemas import CallerCard, CardField, CardSection
from sms_gateway.service import inbound, suppression
from sms_gateway.service.messages import send_message
from sms_gateway.service.verification import issue_code, verify_code
from tests.sms_gateway_db.conftest import eventually
from tests.sms_gateway_db.test_daemon import reach

DESK = Principal(
    staff_id=1,
    username="desk",
    name="客服",
    department_id=None,
    store_id=None,
    permissions=frozenset({ALL}),
    data_scope="all",
)
LONG_REPLY = (
    "你好，我想咨询一下双十一活动的具体规则，满300减50是否可以和会员九折同时使用？另外"
    "活动商品是否包括新品，线下门店是否同步参加，积分能不能抵扣现金，快递几天能到？谢谢！"
)


async def inbound_rows() -> list[SmsInbound]:
    return await SmsInbound.all().order_by("id")


async def test_long_reply_is_reassembled(sim_factory, daemon_factory):
    assert len(LONG_REPLY) > 70
    sim = sim_factory()
    await daemon_factory(sim)
    sim.deliver("+8613912345678", LONG_REPLY)

    async def complete() -> bool:
        return await SmsInbound.filter(complete=True).exists()

    await eventually(complete)
    rows = await inbound_rows()
    assert [(r.sender, r.text, r.total, r.opt_out) for r in rows] == [
        ("+8613912345678", LONG_REPLY, 2, False)
    ]


async def test_messages_waiting_in_storage_are_read_at_start_up(sim_factory, daemon_factory):
    sim = sim_factory()
    sim.deliver("+8613912345678", "在吗")
    sim.deliver("+8613912345679", "TD")
    await daemon_factory(sim)

    async def two() -> bool:
        return await SmsInbound.all().count() == 2

    await eventually(two)
    assert sorted((r.sender, r.text, r.opt_out) for r in await inbound_rows()) == [
        ("+8613912345678", "在吗", False),
        ("+8613912345679", "TD", True),
    ]
    assert "AT+CMGD=1" in sim.commands
    assert "AT+CMGD=2" in sim.commands
    assert await suppression.is_suppressed("13912345679")


async def test_opt_out_blocks_marketing_at_enqueue_and_at_send(
    sim_factory, daemon_factory, daytime
):
    await suppression.grant_consent("13912345678", source="member_card")
    queued = await send_message("13912345678", "新品上市", kind=MessageKind.MARKETING)
    await suppression.grant_consent("13912345670", source="member_card")
    sim = sim_factory()
    sim.deliver("+8613912345678", "Ｔ")
    await daemon_factory(sim)
    await reach(queued.id, SmsStatus.FAILED)
    assert (await SmsMessage.get(id=queued.id)).error_code == "suppressed"
    assert sim.submits == []
    with pytest.raises(NumberSuppressedError):
        await send_message("13912345678", "再来一条", kind=MessageKind.MARKETING)
    other = await send_message("13912345670", "新品上市", kind=MessageKind.MARKETING)
    await reach(other.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    assert [s.decoded.destination for s in sim.submits] == ["+8613912345670"]


async def test_reports_routed_directly_with_cds(sim_factory, daemon_factory):
    sim = sim_factory(cnmi_ds_supported=(0, 1))
    await daemon_factory(sim)
    message = await send_message("13800138000", "你好")
    await reach(message.id, SmsStatus.DELIVERED)
    assert "AT+CNMI=2,1,0,1,0" in sim.commands
    assert not any(c.startswith('AT+CPMS="SR"') for c in sim.commands)


async def test_failed_report_fails_the_message(sim_factory, daemon_factory):
    sim = sim_factory(dlr_status={"0001$": [0x20, 0x46]})
    await daemon_factory(sim)
    message = await send_message("13800000001", "你好")
    await reach(message.id, SmsStatus.FAILED)
    part = await SmsPart.get(message_id=message.id)
    assert (part.status, part.report_status, part.error_code) == (
        SmsStatus.FAILED,
        0x46,
        "report_failed",
    )


async def test_incoming_call_pops_up_with_the_caller(sim_factory, daemon_factory):
    card = CallerCard(
        known=True,
        title="张三",
        sections=[CardSection(title="会员", fields=[CardField(label="等级", value="金卡")])],
    )

    async def lookup(number: str, viewer: Principal) -> CallerCard | None:
        return card if number == "+8613912345678" else None

    registered = list(inbound._caller_lookup)
    inbound.set_caller_lookup(lookup)
    try:
        sim = sim_factory()
        await daemon_factory(sim)
        sim.ring("+8613912345678", times=3)

        async def rang() -> bool:
            call = await SmsCall.first()
            return call is not None and call.rings == 3

        await eventually(rang)
        assert [(c.number, c.rings) for c in await SmsCall.all()] == [("+8613912345678", 3)]
        found = await inbound.calls_after(0, DESK)
        assert [found_card for _, found_card in found] == [card]
    finally:
        inbound._caller_lookup[:] = registered


async def test_verification_code_reaches_the_handset_and_verifies(sim_factory, daemon_factory):
    sim = sim_factory()
    await daemon_factory(sim)
    issued = await issue_code("13800138000", purpose="card", ip="203.0.113.7")
    await reach(issued.message_id, SmsStatus.SENT, SmsStatus.DELIVERED)
    [text] = sim.texts_for("13800138000")
    code = re.search(r"验证码是(\d{6})", text).group(1)
    assert await verify_code("13800138000", code, purpose="card") is True
