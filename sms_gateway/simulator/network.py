"""Network-side events of the simulated modem (reference gsm.md §6.5)."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sms_gateway.pdu import decode_status_report, encode_deliver, encode_status_report
from sms_gateway.simulator.state import Call, ReportRecord, StoredEntry, SubmitRecord

if TYPE_CHECKING:
    from sms_gateway.simulator.core import SimCore

CHINA = timezone(timedelta(hours=8))
_LOCATION = '"1A2B","00C3D4E5"'


def network_time() -> datetime:
    return datetime.now(CHINA).replace(microsecond=0)


def schedule_status_reports(core: SimCore, record: SubmitRecord) -> None:
    """One report per configured status, e.g. [0x20, 0x00] = "still trying", then "delivered"."""
    statuses = [0x00]
    for pattern, sequence in core.config.dlr_status.items():
        if re.search(pattern, record.decoded.destination):
            statuses = sequence
            break
    submitted = network_time()
    for step, status in enumerate(statuses, start=1):
        core.schedule(
            core.config.dlr_delay * step,
            functools.partial(_emit_status_report, core, record, submitted, status),
        )


def _emit_status_report(
    core: SimCore, record: SubmitRecord, submitted: datetime, status: int
) -> None:
    length, pdu_hex = encode_status_report(
        record.mr,
        record.decoded.destination,
        timestamp=submitted,
        discharge_time=network_time(),
        status=status,
        smsc=core.config.smsc or None,
    )
    if not core.config.cds_with_sca:
        pdu_hex = pdu_hex[2 + 2 * int(pdu_hex[:2], 16) :]
    ds = core.settings.cnmi[3]
    routed = {1: "cds", 2: "cdsi"}.get(ds, "dropped")
    if ds == 1:
        core.ack_pending = core.settings.csms == 1
        core.emit_urc([f"+CDS: {length}", pdu_hex])
    elif ds == 2:
        index = core.storage.store("SR", StoredEntry(0, length, pdu_hex))
        if index is None:
            routed = "dropped"
        else:
            core.emit_urc([f'+CDSI: "SR",{index}'])
    report = decode_status_report(pdu_hex, tpdu_length=length)
    core.reports.append(ReportRecord(core.now(), report, routed))


def deliver(core: SimCore, originator: str, text: str) -> None:
    """Mobile-terminated SMS, concatenated when long, routed by the ``+CNMI`` ``<mt>`` field."""
    parts = encode_deliver(
        originator,
        text,
        timestamp=network_time(),
        smsc=core.config.smsc or None,
        concat_reference=next(core.concat_counter) % 256,
    )
    for length, pdu_hex in parts:
        _route_deliver(core, length, pdu_hex)


def _route_deliver(core: SimCore, length: int, pdu_hex: str) -> None:
    if core.settings.cnmi[1] == 2:
        core.ack_pending = core.settings.csms == 1
        core.emit_urc([f"+CMT: ,{length}", pdu_hex])
        return
    memory = core.settings.cpms[2]
    index = core.storage.store(memory, StoredEntry(0, length, pdu_hex))
    if index is None:
        # A full store: the network keeps the message and retries after a delete.
        core.mt_backlog.append((length, pdu_hex))
    elif core.settings.cnmi[1] == 1:
        core.emit_urc([f'+CMTI: "{memory}",{index}'])


def retry_backlog(core: SimCore) -> None:
    backlog = core.mt_backlog
    while backlog and core.storage.used(core.settings.cpms[2]) < core.storage.capacity:
        _route_deliver(core, *backlog.popleft())


def ring(core: SimCore, number: str, times: int) -> None:
    core.calls.append(Call(network_time(), number))
    for ring_number in range(times):
        core.schedule(6.0 * ring_number, lambda: _ring_once(core, number))


def _ring_once(core: SimCore, number: str) -> None:
    lines = ["RING"]
    if core.settings.clip:
        number_type = 145 if number.startswith("+") else 129
        lines.append(f'+CLIP: "{number}",{number_type},"",0,"",0')
    core.emit_urc(lines)


def set_registration(core: SimCore, stat: int) -> None:
    core.registration = stat
    for name, n in (("+CREG", core.settings.creg_n), ("+CEREG", core.settings.cereg_n)):
        if n:
            core.emit_urc([f"{name}: {stat}" + (f",{_LOCATION}" if n == 2 else "")])


def soft_reset(core: SimCore) -> None:
    core.boot()


def vendor_urc_tick(core: SimCore) -> None:
    """huawei_like firmware chatters ``^RSSI`` until ``AT^CURC=0``."""
    if core.settings.vendor_urcs and core.line_state == "command":
        core.emit_urc([f"^RSSI:{core.config.rssi}"])
    core.schedule(core.config.vendor_urc_interval, lambda: vendor_urc_tick(core))
