import itertools
import time
from datetime import datetime, timedelta, timezone

import gsm_vectors as v
import pytest
from sim_helpers import next_urc, wait_until

from sms_gateway.at import (
    CallerId,
    IncomingMessage,
    IncomingStatusReport,
    NewMessageIndication,
    OtherUrc,
    RegistrationChange,
    Ring,
    StatusReportIndication,
)
from sms_gateway.at.modem import RecoveryStep
from sms_gateway.errors import (
    CmeError,
    CmsError,
    CommandError,
    MissingSubmitResultError,
    ModemDisconnectedError,
    ModemDownError,
    PromptTimeoutError,
    SendOutcomeUnknownError,
    SimNotReadyError,
)
from sms_gateway.pdu import Deliver, DeliveryState, StatusReport, decode_status_report
from sms_gateway.rules import SentPart, match_status_report

INIT_COMMANDS = [
    "AT",
    "ATE0",
    "AT+CMEE=1",
    "AT+CPIN?",
    "AT+CGMI",
    "AT+CGMM",
    "AT+CGMR",
    "AT+CGSN",
    "AT+CIMI",
    "AT+CFUN?",
    "AT+CREG=2",
    "AT+CMGF=0",
    "AT+CSCA?",
    "AT+CSMS?",
    'AT+CPMS="ME","ME","ME"',
    "AT+CNMI=2,1,0,2,0",
    "AT+CSQ",
    "AT+CREG?",
    "AT+CEREG?",
]


def test_initialize_runs_the_reference_sequence(sim, modem_factory):
    modem = modem_factory(sim)

    assert sim.commands == INIT_COMMANDS
    assert modem.info.imsi == "460001234567890"
    assert modem.info.smsc == "+8613800100500"
    assert (modem.info.storage, modem.info.cnmi) == ("ME", "2,1,0,2,0")
    assert modem.info.signal.dbm == -73
    assert modem.info.registration.registered is True
    assert sim.echo is False


def test_huawei_gets_curc_and_its_rssi_noise_stops(sim_factory, modem_factory):
    sim = sim_factory(profile="huawei_like", vendor_urc_interval=1.0)
    modem = modem_factory(sim, initialize=False)
    noise, _ = next_urc(modem, OtherUrc)

    modem.initialize()
    _drain(modem)
    time.sleep(0.05)

    assert noise == OtherUrc("^RSSI:20")
    assert "AT^CURC=0" in sim.commands
    assert _drain(modem) == []


def _drain(modem):
    urcs = []
    while not modem.urcs.empty():
        urcs.append(modem.urcs.get())
    return urcs


@pytest.mark.parametrize("transport", ["pty", "socket"])
def test_send_single_message(sim_factory, modem_factory, transport):
    sim = sim_factory(transport=transport)
    modem = modem_factory(sim)

    assert modem.send_text(v.DA, v.V1_TEXT) == [0]

    assert [(s.tpdu_length, s.pdu_hex) for s in sim.submits] == v.V1
    assert sim.texts_for("13800138000") == ["Hello"]
    assert "AT+CMGS=20" in sim.commands


def test_send_long_chinese_message(sim, modem):
    assert modem.send_text(v.DA, v.V3_TEXT, concat_reference=0x2A) == [0, 1]

    assert [(s.tpdu_length, s.pdu_hex) for s in sim.submits] == v.V3
    [message] = sim.messages()
    assert (message.complete, len(message.parts), message.text) == (True, 2, v.V3_TEXT)
    assert [c for c in sim.commands if c.startswith("AT+CMGS")] == ["AT+CMGS=155", "AT+CMGS=69"]


@pytest.mark.parametrize(
    "knobs",
    [
        pytest.param({"echo_force": True}, id="echo-despite-ATE0"),
        pytest.param({"prompt_mode": "split"}, id="prompt-split"),
        pytest.param({"prompt_mode": "no_space"}, id="prompt-without-space"),
        pytest.param({"line_ending": "\n"}, id="lf-line-endings"),
        pytest.param({"prompt_delay": 20.0}, id="slow-prompt"),
    ],
)
def test_odd_modems_still_send(sim_factory, modem_factory, knobs):
    sim = sim_factory(**knobs)
    modem = modem_factory(sim)

    assert modem.send_text(v.DA, v.V2B_TEXT) == [0]

    assert [s.pdu_hex for s in sim.submits] == [v.V2B[0][1]]


def test_sms_arriving_inside_a_send_is_not_swallowed(sim, modem):
    sim.deliver("+8613912345678", "退订", during_next_send="before_final")
    sim.inject_urc(["^RSSI:18", "+CREG: 1"], when="after_prompt")

    assert modem.send_text(v.DA, "Hello") == [0]

    indication, seen = next_urc(modem, NewMessageIndication)
    assert OtherUrc("^RSSI:18") in seen
    assert RegistrationChange("CREG", 1) in seen
    stored = modem.read_message(indication.index).decode()
    assert isinstance(stored, Deliver)
    assert (stored.originator, stored.text) == ("+8613912345678", "退订")


def test_cms_error_is_typed_and_nothing_is_recorded(sim, modem):
    sim.fail_next_send("cms:500")

    with pytest.raises(CmsError) as caught:
        modem.send_text(v.DA, "Hello")

    assert (caught.value.number, caught.value.code) == (500, "modem_cms_error")
    assert sim.submits == []
    assert modem.send_text(v.DA, "Hello") == [0]
    assert len(sim.submits) == 1


def test_missing_smsc_gives_cms_330(sim, modem):
    sim.configure(smsc="")

    with pytest.raises(CmsError) as caught:
        modem.send_text(v.DA, "Hello")

    assert caught.value.number == 330


def test_ok_without_cmgs_is_a_failure(sim, modem):
    sim.fail_next_send("ok_no_cmgs")

    with pytest.raises(MissingSubmitResultError):
        modem.send_text(v.DA, "Hello")

    assert sim.submits == []


def test_cme_error_and_bare_error_are_typed(sim, modem):
    with pytest.raises(CmeError) as caught:
        modem.command("AT+NOSUCH")
    assert caught.value.number == 4

    modem.command("AT+CMEE=0")
    with pytest.raises(CommandError) as bare:
        modem.command("AT+NOSUCH")
    assert bare.value.code == "modem_command_error"


def test_no_sim_stops_initialisation(sim_factory, modem_factory):
    sim = sim_factory(sim="absent")

    with pytest.raises(SimNotReadyError):
        modem_factory(sim)

    assert sim.commands[-1] == "AT+CPIN?"


def test_pin_is_tried_once(sim_factory, modem_factory):
    sim = sim_factory(sim="pin:1234")

    wrong = modem_factory(sim, initialize=False, pin="0000")

    with pytest.raises(SimNotReadyError):
        wrong.initialize()

    wrong.close()
    assert sim.commands.count('AT+CPIN="0000"') == 1
    assert modem_factory(sim, pin="1234").info.imsi == "460001234567890"


def test_busy_sim_is_retried(sim_factory, modem_factory):
    sim = sim_factory(sim="busy_for:10")

    modem = modem_factory(sim)

    assert modem.info.imsi == "460001234567890"
    assert sim.commands.count("AT+CPIN?") > 1


def test_prompt_that_never_comes_is_aborted_and_the_port_stays_usable(sim_factory, modem_factory):
    sim = sim_factory(prompt_mode="never")
    modem = modem_factory(sim)

    with pytest.raises(PromptTimeoutError):
        modem.send_text(v.DA, "Hello")

    sim.assert_no_pending_prompt()
    assert modem.signal().rssi == 20
    assert sim.submits == []


def test_no_answer_after_the_pdu_is_unknown_not_failed(sim, modem):
    sim.fail_next_send("timeout")

    with pytest.raises(SendOutcomeUnknownError) as caught:
        modem.send_text(v.DA, "Hello")

    assert caught.value.disconnected is False
    assert modem.probe() is True


def test_unplug_mid_send_raises_a_typed_error(sim_factory, modem_factory):
    sim = sim_factory(unplug_on_submit=True)
    modem = modem_factory(sim)

    with pytest.raises(SendOutcomeUnknownError) as caught:
        modem.send_text(v.DA, "Hello")

    assert caught.value.disconnected is True
    assert isinstance(caught.value.__cause__, ModemDisconnectedError)
    assert modem.connected is False
    with pytest.raises(ModemDisconnectedError):
        modem.command("AT")
    assert sim.submits == []


def test_mr_wraps_and_every_report_matches_its_part(sim_factory, modem_factory):
    sim = sim_factory(mr_start=254)
    modem = modem_factory(sim, cnmi_options=("2,1,0,1,0",))
    sent = []
    for part_id in range(5):
        [mr] = modem.send_text(v.DA, f"part {part_id}")
        sent.append(SentPart("imsi-1", mr, "13800138000", _now(), part_id))

    reports = []
    while len(reports) < 5:
        urc, _ = next_urc(modem, IncomingStatusReport)
        reports.append(decode_status_report(urc.pdu_hex, tpdu_length=urc.tpdu_length))

    assert [part.message_reference for part in sent] == [254, 255, 0, 1, 2]
    matched = [match_status_report("imsi-1", report, sent) for report in reports]
    assert sorted(part.part_id for part in matched) == [0, 1, 2, 3, 4]
    assert all(r.state is DeliveryState.DELIVERED for r in reports)
    assert match_status_report("imsi-2", reports[0], sent) is None


def test_stored_status_report_is_read_from_sr_memory(sim_factory, modem_factory):
    sim = sim_factory(dlr_status={"8000$": [0x20, 0x41]})
    modem = modem_factory(sim)
    [mr] = modem.send_text(v.DA, "Hello")

    states = []
    for _ in range(2):
        indication, _ = next_urc(modem, StatusReportIndication)
        modem.select_read_storage("SR")
        report = modem.read_message(indication.index).decode()
        assert isinstance(report, StatusReport)
        assert report.message_reference == mr
        states.append(report.state)

    assert states == [DeliveryState.PENDING, DeliveryState.FAILED]


def test_inbound_message_read_and_deleted(sim, modem):
    sim.deliver("13912345678", "T")

    indication, _ = next_urc(modem, NewMessageIndication)
    message = modem.read_message(indication.index)
    modem.delete_message(indication.index)

    assert (indication.storage, message.stat) == ("ME", 0)
    assert message.decode().text == "T"
    with pytest.raises(CmsError) as caught:
        modem.read_message(indication.index)
    assert caught.value.number == 321


def test_long_inbound_message_is_listed_in_parts(sim, modem):
    sim.deliver("+8613912345678", v.V3_TEXT)
    next_urc(modem, NewMessageIndication)
    next_urc(modem, NewMessageIndication)

    parts = [stored.decode() for stored in modem.list_messages(4)]

    assert [part.concat.sequence for part in parts] == [1, 2]
    assert "".join(part.text for part in parts) == v.V3_TEXT


def test_direct_cmt_delivery(sim, modem):
    modem.command("AT+CNMI=2,2,0,1,0")
    sim.deliver("+8613912345678", "退订")

    urc, _ = next_urc(modem, IncomingMessage)

    assert urc.tpdu_length == 24
    assert urc.pdu_hex.endswith("0490008BA2")


def test_ring_and_caller_id(sim, modem):
    modem.command("AT+CLIP=1")
    sim.ring("+8613912345678", times=2)

    urcs = [next_urc(modem, kind)[0] for kind in (Ring, CallerId, Ring, CallerId)]

    assert urcs[1] == CallerId("+8613912345678", 145)
    assert len(sim.calls) == 1


def test_lost_registration_is_reported_and_blocks_sends(sim, modem):
    sim.set_registration(2)

    urc, _ = next_urc(modem, RegistrationChange)

    assert urc == RegistrationChange("CREG", 2)
    assert modem.registration().registered is False
    with pytest.raises(CmsError) as caught:
        modem.send_text(v.DA, "Hello")
    assert caught.value.number == 331


def test_garbage_bytes_do_not_kill_the_reader(sim, modem):
    sim.emit_garbage(b"\x00\xff\xfe\r\n")

    assert modem.probe() is True


def test_send_rate_throttles_the_network(sim_factory, modem_factory):
    sim = sim_factory(send_rate=0.1, submit_latency=0.0, time_scale=0.01)
    modem = modem_factory(sim)

    for _ in range(4):
        modem.send_text(v.DA, "Hi")

    times = [s.time for s in sim.submits]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.095


def test_recovery_probe_then_escape(sim, modem):
    sim.stall(lines=1)
    assert modem.recover() is RecoveryStep.PROBE

    sim.stall(lines=2)
    assert modem.recover() is RecoveryStep.ESCAPE


def test_recovery_reopens_after_a_replug(sim, modem):
    old_device = sim.device
    sim.unplug()
    wait_until(lambda: not modem.connected)
    sim.replug()

    assert modem.recover() is RecoveryStep.REOPEN
    assert sim.device != old_device
    assert modem.send_text(v.DA, "Hello") == [0]


def test_recovery_resets_a_hung_modem(sim, modem):
    sim.stall(lines=6)

    assert modem.recover() is RecoveryStep.RESET

    assert "AT+CFUN=1,1" in sim.commands


def test_recovery_gives_up_on_a_dead_modem(sim, modem):
    sim.unplug()

    with pytest.raises(ModemDownError):
        modem.recover()


def _now():
    return datetime.now(timezone(timedelta(hours=8)))
