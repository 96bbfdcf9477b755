"""Status-report matching on (modem, MR, recipient) within a window (gsm.md §3.6, §6.9 #14/#16)."""

from datetime import UTC, datetime, timedelta

from crm_core import clock
from sms_gateway.models import Modem, ModemState, SmsPart, SmsReport, SmsStatus
from sms_gateway.pdu import StatusReport
from sms_gateway.service import inbound
from sms_gateway.service.messages import send_message

WINDOW = timedelta(seconds=600)
T0 = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)


def report(mr: int, at: datetime, status: int = 0) -> StatusReport:
    return StatusReport(
        "+8613800100500", mr, "+8613800138000", at, at + timedelta(seconds=5), status
    )


async def sent_part(modem: Modem, mr: int, at: datetime) -> SmsPart:
    with clock.freeze(at):
        message = await send_message("13800138000", f"第{mr}条 {at.isoformat()}")
    part = await SmsPart.get(message_id=message.id)
    await SmsPart.filter(id=part.id).update(
        status=SmsStatus.SENT, modem_id=modem.id, message_reference=mr, submitted_at=at
    )
    await message.__class__.filter(id=message.id).update(status=SmsStatus.SENT)
    return await SmsPart.get(id=part.id)


async def test_old_report_matches_the_old_part_not_the_newest_with_that_mr():
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    old = await sent_part(modem, 5, T0)
    new = await sent_part(modem, 5, T0 + timedelta(hours=2))
    with clock.freeze(T0 + timedelta(hours=2, minutes=1)):
        matched = await inbound.record_status_report(
            modem.id, report(5, T0 + timedelta(seconds=2)), window=WINDOW
        )
    assert matched == old.id
    assert (await SmsPart.get(id=old.id)).status is SmsStatus.DELIVERED
    assert (await SmsPart.get(id=new.id)).status is SmsStatus.SENT


async def test_report_from_another_modem_does_not_match():
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    other = await Modem.create(imsi="460001234567891", state=ModemState.ONLINE)
    part = await sent_part(modem, 7, T0)
    with clock.freeze(T0):
        assert await inbound.record_status_report(other.id, report(7, T0), window=WINDOW) is None
    assert (await SmsPart.get(id=part.id)).status is SmsStatus.SENT
    assert await SmsReport.filter(modem_id=other.id).count() == 1


async def test_report_overtaking_its_cmgs_is_matched_from_the_buffer():
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    with clock.freeze(T0):
        message = await send_message("13800138000", "你好")
        assert await inbound.record_status_report(modem.id, report(9, T0), window=WINDOW) is None
    assert await SmsReport.all().count() == 1
    part = await SmsPart.get(message_id=message.id)
    await SmsPart.filter(id=part.id).update(
        status=SmsStatus.SENT, modem_id=modem.id, message_reference=9, submitted_at=T0
    )
    with clock.freeze(T0 + timedelta(seconds=3)):
        assert await inbound.retry_unmatched_reports(modem.id, window=WINDOW) == 1
    assert (await SmsPart.get(id=part.id)).status is SmsStatus.DELIVERED
    assert await SmsReport.all().count() == 0


async def test_unmatched_reports_are_dropped_after_the_window():
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    with clock.freeze(T0):
        await inbound.record_status_report(modem.id, report(11, T0), window=WINDOW)
    with clock.freeze(T0 + timedelta(minutes=11)):
        assert await inbound.retry_unmatched_reports(modem.id, window=WINDOW) == 0
    assert await SmsReport.all().count() == 0


async def test_pending_report_keeps_the_part_sent():
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    part = await sent_part(modem, 12, T0)
    with clock.freeze(T0):
        await inbound.record_status_report(modem.id, report(12, T0, status=0x20), window=WINDOW)
    stored = await SmsPart.get(id=part.id)
    assert (stored.status, stored.report_status) == (SmsStatus.SENT, 0x20)


async def test_incomplete_concatenated_reply_is_flushed_after_the_timeout():
    from sms_gateway.models import SmsInbound
    from sms_gateway.pdu import Alphabet, ConcatInfo, Deliver

    def part(sequence: int, text: str) -> Deliver:
        return Deliver(
            None, "+8613912345678", T0, 0, 8, Alphabet.UCS2, text, ConcatInfo(7, 3, sequence, False)
        )

    with clock.freeze(T0):
        await inbound.record_inbound(None, part(3, "丙"))
        await inbound.record_inbound(None, part(1, "甲"))
    row = await SmsInbound.get()
    assert (row.text, row.complete, row.parts) == ("甲丙", False, {"3": "丙", "1": "甲"})
    with clock.freeze(T0 + timedelta(minutes=5)):
        assert await inbound.flush_incomplete() == 0
    with clock.freeze(T0 + timedelta(minutes=11)):
        assert await inbound.flush_incomplete() == 1
    row = await SmsInbound.get()
    assert (row.text, row.complete, row.opt_out) == ("甲丙", True, False)
