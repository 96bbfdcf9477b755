"""The modem daemon against the simulator on a pty, with PostgreSQL: reference gsm.md §6.9."""

from collections import Counter

from crm_core.config import SmsSettings
from sms_gateway.models import Modem, ModemState, SmsMessage, SmsPart, SmsStatus
from sms_gateway.service import outbox
from sms_gateway.service.messages import send_message
from sms_gateway.simulator.state import SubmitRecord
from tests.sms_gateway_db.conftest import eventually

LONG = (
    "【示例商城】尊敬的会员：双十一大促已开启，全场满300减50，会员再享9折，活动时间11月1日至"
    "11月11日，数量有限，先到先得。详情请登录官网或关注公众号“示例商城”查询。"
)


async def status_of(message_id: int) -> SmsStatus:
    return (await SmsMessage.get(id=message_id)).status


async def reach(message_id: int, *statuses: SmsStatus, timeout: float = 10.0) -> None:
    async def done() -> bool:
        return await status_of(message_id) in statuses

    await eventually(done, timeout)


def parts_per_message(submits: list[SubmitRecord]) -> Counter[tuple[str, str]]:
    return Counter((s.decoded.destination, s.decoded.text) for s in submits)


async def test_long_message_goes_out_from_one_sim_and_is_delivered(sim_factory, daemon_factory):
    sim = sim_factory()
    await daemon_factory(sim)
    message = await send_message("13800138000", LONG)
    await reach(message.id, SmsStatus.DELIVERED)
    parts = await SmsPart.filter(message_id=message.id).order_by("sequence")
    assert [p.status for p in parts] == [SmsStatus.DELIVERED, SmsStatus.DELIVERED]
    assert [p.message_reference for p in parts] == [0, 1]
    assert [s.mr for s in sim.submits] == [0, 1]
    assert sim.texts_for("+8613800138000") == [LONG]
    modem = await Modem.get()
    assert {p.modem_id for p in parts} == {modem.id}
    assert (modem.imsi, modem.state, modem.parts_sent) == ("460000000000000", ModemState.ONLINE, 2)
    stored = await SmsMessage.get(id=message.id)
    assert (stored.attempts, stored.lease_owner, stored.lease_until) == (1, "", None)


async def test_transactional_goes_before_marketing(sim_factory, daemon_factory, daytime):
    from sms_gateway.models import MessageKind
    from sms_gateway.service import suppression

    await suppression.grant_consent("13900000001", source="test")
    marketing = await send_message("13900000001", "新品上市", kind=MessageKind.MARKETING)
    notice = await send_message("13900000002", "您的订单已发货")
    sim = sim_factory()
    await daemon_factory(sim)
    await reach(marketing.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    assert [s.decoded.destination for s in sim.submits] == ["+8613900000002", "+8613900000001"]
    assert sim.submits[1].decoded.text == "【示例商城】新品上市回T退订"
    assert await status_of(notice.id) in {SmsStatus.SENT, SmsStatus.DELIVERED}


async def test_cms_500_is_retried_and_sent_once(sim_factory, daemon_factory):
    sim = sim_factory()
    sim.fail_next_send("cms:500", count=2)
    await daemon_factory(sim)
    message = await send_message("13800138000", "你好")
    await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    part = await SmsPart.get(message_id=message.id)
    assert part.attempts == 3
    assert len(sim.submits) == 1
    assert (await SmsMessage.get(id=message.id)).attempts == 3


async def test_permanent_cms_error_fails_without_retry(sim_factory, daemon_factory):
    sim = sim_factory(errors_by_dest={"0000$": 1})
    await daemon_factory(sim)
    bad = await send_message("13800000000", "你好")
    good = await send_message("13800138000", "你好")
    await reach(bad.id, SmsStatus.FAILED)
    await reach(good.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    part = await SmsPart.get(message_id=bad.id)
    assert (part.status, part.attempts, part.error_code) == (SmsStatus.FAILED, 1, "cms_1")
    assert [s.decoded.destination for s in sim.submits] == ["+8613800138000"]
    assert (await Modem.get()).state is ModemState.ONLINE


async def test_timeout_after_submission_is_unknown_and_never_resent(
    sim_factory, daemon_factory, daytime
):
    from sms_gateway.models import MessageKind
    from sms_gateway.service import suppression

    await suppression.grant_consent("13900000001", source="test")
    sim = sim_factory()
    sim.fail_next_send("timeout")
    await daemon_factory(sim)
    message = await send_message("13900000001", LONG[6:], kind=MessageKind.MARKETING)
    await reach(message.id, SmsStatus.UNKNOWN)
    after = await send_message("13800138000", "下一条")
    await reach(after.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    parts = await SmsPart.filter(message_id=message.id).order_by("sequence")
    assert [(p.status, p.error_code) for p in parts] == [
        (SmsStatus.UNKNOWN, "outcome_unknown"),
        (SmsStatus.FAILED, "not_sent"),
    ]
    assert [s.decoded.destination for s in sim.submits] == ["+8613800138000"]
    assert await status_of(message.id) is SmsStatus.UNKNOWN


async def test_unplug_mid_send_loses_nothing_and_sends_nothing_twice(sim_factory, daemon_factory):
    sim = sim_factory()
    await daemon_factory(sim)
    sim.configure(unplug_on_submit=True)
    first = await send_message("13800138001", "第一条")
    await reach(first.id, SmsStatus.UNKNOWN)
    sim.configure(unplug_on_submit=False)
    sim.replug()
    queued = [await send_message(f"1380013801{i}", f"第{i}条") for i in range(3)]
    for message in queued:
        await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED, timeout=10)
    destinations = [s.decoded.destination for s in sim.submits]
    assert sorted(destinations) == ["+8613800138010", "+8613800138011", "+8613800138012"]
    assert (await SmsPart.get(message_id=first.id)).status is SmsStatus.UNKNOWN


async def test_sms_arriving_inside_a_send_is_stored_and_opts_out(sim_factory, daemon_factory):
    from sms_gateway.models import SmsInbound, SmsSuppression

    sim = sim_factory()
    await daemon_factory(sim)
    sim.deliver("+8613912345678", "退订", during_next_send="before_final")
    message = await send_message("13800138000", "你好")
    await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED)

    async def stored() -> bool:
        return await SmsInbound.exists()

    await eventually(stored)
    inbound = await SmsInbound.get()
    assert (inbound.sender, inbound.text, inbound.opt_out) == ("+8613912345678", "退订", True)
    assert await SmsSuppression.filter(phone="+8613912345678").count() == 1
    assert len(sim.submits) == 1


async def test_mr_wraps_and_every_report_matches_its_part(sim_factory, daemon_factory):
    sim = sim_factory(mr_start=254)
    await daemon_factory(sim)
    messages = [await send_message("13800138000", f"第{i}条") for i in range(5)]
    for message in messages:
        await reach(message.id, SmsStatus.DELIVERED)
    parts = await SmsPart.filter(message_id__in=[m.id for m in messages]).order_by("message_id")
    assert [p.message_reference for p in parts] == [254, 255, 0, 1, 2]
    assert [p.report_status for p in parts] == [0, 0, 0, 0, 0]
    assert [s.mr for s in sim.submits] == [254, 255, 0, 1, 2]


async def test_pool_failover_when_a_sim_is_barred(sim_factory, daemon_factory):
    barred = sim_factory()
    healthy = sim_factory()
    barred.fail_next_send("cms:8", count=50)
    await daemon_factory(barred)
    messages = [
        await send_message(f"139000000{i:02d}", LONG if i % 3 == 0 else f"通知{i}")
        for i in range(12)
    ]
    await daemon_factory(healthy)
    for message in messages:
        await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED, timeout=15)
    assert barred.submits == []
    counts = parts_per_message(healthy.submits)
    assert set(counts.values()) == {1}
    assert len(healthy.messages()) == 12
    assert all(m.complete for m in healthy.messages())
    barred_row = await Modem.get(imsi="460000000000000")
    assert barred_row.state is ModemState.PARKED
    assert "CMS ERROR: 8" in barred_row.state_reason


async def test_pool_failover_when_a_modem_is_unplugged_for_good(sim_factory, daemon_factory):
    first = sim_factory()
    second = sim_factory()
    await daemon_factory(first)
    await daemon_factory(second)
    first.unplug()
    messages = [await send_message(f"139000000{i:02d}", f"通知{i}") for i in range(10)]
    for message in messages:
        await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED, timeout=15)
    assert first.submits == []
    assert len(second.submits) == 10
    assert set(parts_per_message(second.submits).values()) == {1}

    async def down() -> bool:
        return (await Modem.get(imsi="460000000000000")).state is ModemState.DOWN

    await eventually(down)


async def test_disabled_modem_takes_no_work(sim_factory, daemon_factory):
    from crm_core.audit import SYSTEM
    from sms_gateway.service import modems

    sim = sim_factory()
    await daemon_factory(sim)
    modem = await Modem.get()
    await modems.set_enabled(modem.id, False, SYSTEM)
    message = await send_message("13800138000", "你好")
    await _true_after(0.3)
    assert await status_of(message.id) is SmsStatus.QUEUED
    assert sim.submits == []
    await modems.set_enabled(modem.id, True, SYSTEM)
    await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED)


async def test_expired_lease_of_a_crashed_daemon(sim_factory):
    """A daemon died after writing part 1: that part is unknown, nothing is sent again."""
    settings = SmsSettings(lease_seconds=0)
    modem = await Modem.create(imsi="460009999999999", state=ModemState.ONLINE)
    message = await send_message("13800138000", LONG)
    claim = await outbox.claim_next(modem.id, "dead:1", settings)
    assert claim is not None
    assert [p.sequence for p in claim.parts] == [1, 2]
    assert await outbox.begin_part(claim.parts[0], message.id, modem.id, "dead:1", 0)
    untouched = await send_message("13800138001", "你好")
    assert await outbox.reap_expired_leases() == 1
    parts = await SmsPart.filter(message_id=message.id).order_by("sequence")
    assert [p.status for p in parts] == [SmsStatus.UNKNOWN, SmsStatus.FAILED]
    assert await status_of(message.id) is SmsStatus.UNKNOWN
    assert await status_of(untouched.id) is SmsStatus.QUEUED


async def _true_after(seconds: float) -> bool:
    import asyncio

    await asyncio.sleep(seconds)
    return True


async def test_no_send_while_unregistered_then_resume(sim_factory, daemon_factory):
    sim = sim_factory(registration=2)
    await daemon_factory(sim)
    message = await send_message("13800138000", "你好")
    await _true_after(0.3)
    assert await status_of(message.id) is SmsStatus.QUEUED
    assert sim.submits == []
    sim.set_registration(1)
    await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    assert len(sim.submits) == 1


async def test_registration_lost_mid_batch_requeues_and_resumes(sim_factory, daemon_factory):
    """CMS 331 (no network) before the +CREG URC: the part goes back to the queue, the daemon
    stops claiming until a health poll sees the network again, then sends it once."""
    sim = sim_factory()
    await daemon_factory(sim)
    sim.fail_next_send("cms:331")
    message = await send_message("13800138000", "你好")
    await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    part = await SmsPart.get(message_id=message.id)
    assert (part.attempts, part.status in {SmsStatus.SENT, SmsStatus.DELIVERED}) == (2, True)
    assert len(sim.submits) == 1
    assert "AT+CREG?" in sim.commands


async def test_a_stalled_modem_hands_its_work_to_the_pool(sim_factory, daemon_factory):
    stalled = sim_factory()
    healthy = sim_factory()
    await daemon_factory(stalled)
    stalled.stall()
    messages = [await send_message(f"139000000{i:02d}", f"通知{i}") for i in range(6)]
    await daemon_factory(healthy)
    for message in messages:
        await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED, timeout=15)
    assert stalled.submits == []
    assert sorted(s.decoded.text for s in healthy.submits) == sorted(
        f"【示例商城】通知{i}" for i in range(6)
    )

    async def down() -> bool:
        return (await Modem.get(imsi="460000000000000")).state is ModemState.DOWN

    await eventually(down, timeout=10)


async def test_quiet_hours_hold_marketing_but_not_codes(sim_factory, daemon_factory):
    from datetime import UTC, datetime

    from crm_core import clock
    from sms_gateway.models import MessageKind
    from sms_gateway.service import suppression

    await suppression.grant_consent("13900000001", source="test")
    with clock.freeze(datetime(2026, 11, 11, 14, 30, tzinfo=UTC)):  # 22:30 in Shanghai
        marketing = await send_message("13900000001", "新品上市", kind=MessageKind.MARKETING)
        sim = sim_factory()
        await daemon_factory(sim)
        code = await send_message("13900000002", "您的验证码是123456")
        await reach(code.id, SmsStatus.SENT, SmsStatus.DELIVERED)
        await _true_after(0.3)
        assert await status_of(marketing.id) is SmsStatus.QUEUED
        assert [s.decoded.destination for s in sim.submits] == ["+8613900000002"]
        clock.advance(datetime(2026, 11, 12, 0, 0, tzinfo=UTC) - clock.utc_now())  # 08:00
        await reach(marketing.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    assert [s.decoded.destination for s in sim.submits] == ["+8613900000002", "+8613900000001"]


async def test_garbage_from_the_modem_loses_nothing(sim_factory, daemon_factory):
    sim = sim_factory()
    await daemon_factory(sim)
    sim.emit_garbage(b"\x00\xff\xfe+CMT: ,99\r\nZZ-not-a-pdu\r\n^RSSI:17\r\n")
    message = await send_message("13800138000", "你好")
    await reach(message.id, SmsStatus.SENT, SmsStatus.DELIVERED)
    assert len(sim.submits) == 1
    assert (await Modem.get()).state is ModemState.ONLINE


async def test_disabling_a_modem_fails_its_half_sent_message_visibly():
    """Part 1 went out on this SIM, part 2 may not come from another: failed, not stuck."""
    from crm_core.audit import SYSTEM
    from sms_gateway.service import modems

    modem = await Modem.create(imsi="460009999999999", state=ModemState.ONLINE)
    message = await send_message("13800138000", LONG)
    untouched = await send_message("13800138001", "你好")
    claim = await outbox.claim_next(modem.id, "me:1", SmsSettings())
    assert claim is not None
    assert claim.message_id == message.id
    first = claim.parts[0]
    assert await outbox.begin_part(first, message.id, modem.id, "me:1", 30)
    await outbox.part_sent(first, modem.id, 42)
    await outbox.release(message.id, code="modem_released", detail="test")
    assert (await SmsMessage.get(id=message.id)).modem_id == modem.id
    await modems.set_enabled(modem.id, False, SYSTEM)
    parts = await SmsPart.filter(message_id=message.id).order_by("sequence")
    assert [(p.status, p.error_code) for p in parts] == [
        (SmsStatus.SENT, ""),
        (SmsStatus.FAILED, "not_sent"),
    ]
    stored = await SmsMessage.get(id=message.id)
    assert (stored.status, stored.error_code) == (SmsStatus.FAILED, "modem_disabled")
    assert await status_of(untouched.id) is SmsStatus.QUEUED


async def test_a_verification_code_reaches_the_handset_but_is_not_stored(
    sim_factory, daemon_factory
):
    import re

    from tortoise import connections

    from sms_gateway.service.verification import issue_code

    sim = sim_factory()
    await daemon_factory(sim)
    issued = await issue_code("13800138000", purpose="member_card")
    await reach(issued.message_id, SmsStatus.SENT, SmsStatus.DELIVERED)
    [received] = sim.texts_for("+8613800138000")
    code = re.fullmatch(r"【示例商城】您的验证码是(\d{6})，5分钟内有效。请勿泄露给他人。", received)
    assert code is not None
    connection = connections.get("default")
    texts = await connection.execute_query_dict("SELECT text FROM sms_message")
    assert texts == [{"text": "【示例商城】您的验证码是******，5分钟内有效。请勿泄露给他人。"}]
    pdus = await connection.execute_query_dict("SELECT pdu_hex FROM sms_part")
    assert len(pdus) == 1
    assert not re.fullmatch(r"[0-9A-F]+", pdus[0]["pdu_hex"])  # sealed, not a readable PDU
