"""What a modem daemon does with unsolicited codes: reports, replies, calls, registration."""

import asyncio
import logging
import queue
from datetime import timedelta

from sms_gateway.at import (
    CallerId,
    Disconnected,
    IncomingMessage,
    IncomingStatusReport,
    NewMessageIndication,
    RegistrationChange,
    Ring,
    StatusReportIndication,
    Urc,
)
from sms_gateway.at.modem import Modem, StoredMessage
from sms_gateway.errors import AtError, SmsGatewayError
from sms_gateway.pdu import Deliver, StatusReport, decode_deliver, decode_status_report
from sms_gateway.service import inbound

logger = logging.getLogger(__name__)


class UrcHandler:
    """Runs on the daemon's event loop; modem commands go to a thread, never the reader thread."""

    def __init__(self, modem: Modem, modem_id: int, report_window: timedelta) -> None:
        self.modem = modem
        self.modem_id = modem_id
        self.report_window = report_window
        self.registration: int | None = None
        self.disconnected = False
        self.clip = False

    async def drain(self) -> int:
        handled = 0
        while True:
            try:
                urc = self.modem.urcs.get_nowait()
            except queue.Empty:
                return handled
            handled += 1
            try:
                await self.handle(urc)
            except (AtError, SmsGatewayError) as exc:
                # A garbled PDU or a modem error while reading storage must not stop the daemon.
                logger.warning("URC %r on %s not processed: %s", urc, self.modem.url, exc)

    async def handle(self, urc: Urc) -> None:
        if isinstance(urc, Disconnected):
            self.disconnected = True
        elif isinstance(urc, RegistrationChange):
            if urc.kind in {"CREG", "CEREG"}:
                self.registration = urc.stat
        elif isinstance(urc, IncomingMessage | IncomingStatusReport):
            await self._direct(urc)
        elif isinstance(urc, NewMessageIndication | StatusReportIndication):
            await self._stored(urc.storage, urc.index)
        elif isinstance(urc, CallerId):
            await inbound.record_ring(self.modem_id, urc.number)
        elif isinstance(urc, Ring) and not self.clip:
            await inbound.record_ring(self.modem_id, "")

    async def _direct(self, urc: IncomingMessage | IncomingStatusReport) -> None:
        if self.modem.info.sms_service == 1:
            # Phase 2+ (CSMS=1) wants every routed +CMT/+CDS acknowledged (gsm.md §1.4).
            await asyncio.to_thread(self.modem.acknowledge)
        if isinstance(urc, IncomingMessage):
            await self.record(decode_deliver(urc.pdu_hex, tpdu_length=urc.tpdu_length))
        else:
            await self.record(decode_status_report(urc.pdu_hex, tpdu_length=urc.tpdu_length))

    async def _stored(self, storage: str, index: int) -> None:
        current = self.modem.info.storage or "ME"
        other = storage.upper() != current.upper()
        if other:
            await asyncio.to_thread(self.modem.select_read_storage, storage)
        try:
            stored = await asyncio.to_thread(self.modem.read_message, index)
            await self.record_stored(stored)
        finally:
            if other:
                await asyncio.to_thread(self.modem.select_read_storage, current)

    async def record_stored(self, stored: StoredMessage) -> None:
        try:
            await self.record(stored.decode())
        finally:
            # Delete right after reading, or a full storage blocks new messages (§1.5).
            await asyncio.to_thread(self.modem.delete_message, stored.index)

    async def record(self, decoded: Deliver | StatusReport) -> None:
        if isinstance(decoded, StatusReport):
            await inbound.record_status_report(self.modem_id, decoded, window=self.report_window)
        else:
            await inbound.record_inbound(self.modem_id, decoded)

    async def sweep_storage(self) -> int:
        """Messages that arrived while nobody listened wait in storage: read them at start-up."""
        stored = await asyncio.to_thread(self.modem.list_messages, 4)
        for message in stored:
            try:
                await self.record_stored(message)
            except SmsGatewayError as exc:
                logger.warning("stored message %d unreadable: %s", message.index, exc)
        return len(stored)
