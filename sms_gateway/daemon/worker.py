"""One modem daemon per port: claims leased work from PostgreSQL and owns the serial line.

Celery never touches the port; it only creates rows. A failing modem is parked and its unsent
work goes back to the queue for the other modems (gsm.md §7.3–7.4).
"""

import asyncio
import logging
import os
import socket
import time
from datetime import timedelta

from tortoise.exceptions import DBConnectionError, OperationalError

from crm_core import clock
from crm_core.config import SmsSettings
from sms_gateway.at.modem import Modem, Timeouts
from sms_gateway.daemon.urcs import UrcHandler
from sms_gateway.errors import (
    AtError,
    CmsError,
    ModemDisconnectedError,
    ModemDownError,
    PromptTimeoutError,
    SendOutcomeUnknownError,
    SimNotReadyError,
)
from sms_gateway.models import ModemState
from sms_gateway.pdu import SubmitPart
from sms_gateway.rules import ErrorClass, classify_cms, explain_modem_failure, port_key
from sms_gateway.service import inbound, modems, outbox

logger = logging.getLogger(__name__)
FAILURES_BEFORE_PARKING = 3


class TokenBucket:
    """Per-SIM pacing (gsm.md §7.3); operators suspend SIMs that send too fast."""

    def __init__(self, per_minute: float, burst: int = 3) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    async def take(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now
        if self.tokens < 1:
            await asyncio.sleep((1 - self.tokens) * self.interval)
            self.tokens, self.stamp = 1.0, time.monotonic()
        self.tokens -= 1


class ModemDaemon:
    def __init__(
        self, url: str, settings: SmsSettings, *, timeouts: Timeouts | None = None
    ) -> None:
        self.url = url
        self.settings = settings
        self.modem = Modem(
            url,
            timeouts=timeouts,
            pin=settings.pin.get_secret_value() if settings.pin else None,
            smsc=settings.smsc,
        )
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{url}"
        self.modem_id = 0
        self.bucket = TokenBucket(settings.parts_per_minute)
        self.urcs = UrcHandler(self.modem, 0, timedelta(seconds=settings.report_window_seconds))
        self.last_heartbeat = 0.0
        self.healthy = False
        self.last_error = ""

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                if not self.healthy:
                    await self._bring_up(stop)
                    continue
                try:
                    busy = await self.step()
                except (DBConnectionError, OperationalError, OSError) as exc:
                    # A database hiccup must not kill the port owner. A part caught in flight
                    # keeps its lease, which expires into UNKNOWN: never a blind resend.
                    logger.warning("modem daemon on %s: %s", self.url, exc)
                    busy = False
                if not busy:
                    await _sleep(stop, self.settings.poll_seconds)
        finally:
            await self.shutdown()

    async def _bring_up(self, stop: asyncio.Event) -> None:
        try:
            await self.start()
        except (AtError, OSError) as exc:
            logger.warning("modem on %s unavailable: %s", self.url, exc)
            self.last_error = explain_modem_failure(exc, self.url)
            if self.modem_id:
                await modems.set_state(self.modem_id, ModemState.DOWN, self.last_error)
            else:
                # Listed in the console even though it never initialised (no SIM, no port).
                self.modem_id = await modems.report_unavailable(
                    self.url, daemon=self.owner, reason=self.last_error
                )
            await _sleep(stop, self.settings.park_seconds)

    async def start(self) -> None:
        """Open, initialise (§1.2), register by IMSI, then read what waited in storage."""
        await asyncio.to_thread(self._open_and_initialize)
        info = self.modem.info
        row = await modems.register_modem(
            info.imsi or port_key(self.url),
            port=self.url,
            daemon=self.owner,
            manufacturer=info.manufacturer,
            model=info.model,
        )
        self.modem_id = self.urcs.modem_id = row.id
        self.urcs.registration = info.registration.creg if info.registration else None
        if info.registration and info.registration.registered:
            self.urcs.registration = 1
        self.urcs.disconnected = False
        await self.urcs.sweep_storage()
        self.healthy, self.last_error = True, ""

    def _open_and_initialize(self) -> None:
        self.modem.close()
        self.modem.open()
        self.modem.initialize()
        try:
            self.modem.command("AT+CLIP=1")
            self.urcs.clip = True
        except AtError:
            self.urcs.clip = False

    async def shutdown(self) -> None:
        if self.modem_id:
            await outbox.release_all(self.owner)
            reason = "守护进程已停止"
            if self.last_error:
                reason += f"；上次错误：{self.last_error}"
            await modems.set_state(self.modem_id, ModemState.OFFLINE, reason)
        await asyncio.to_thread(self.modem.close)

    async def step(self) -> bool:
        """One turn: URCs, health, then at most one message. False when there was nothing to do."""
        await self.urcs.drain()
        if self.urcs.disconnected or not self.modem.connected:
            await self.recover("串口断开")
            return True
        if time.monotonic() - self.last_heartbeat >= self.settings.heartbeat_seconds:
            await self.heartbeat()
        gate = await modems.gate(self.modem_id)
        if not gate.may_send(clock.utc_now()):
            return False
        if gate.state is ModemState.PARKED:
            await modems.set_state(self.modem_id, ModemState.ONLINE)
        if self.urcs.registration not in (1, 5):
            return False
        claim = await outbox.claim_next(self.modem_id, self.owner, self.settings)
        if claim is None:
            return False
        await self.send(claim)
        return True

    async def heartbeat(self) -> None:
        self.last_heartbeat = time.monotonic()
        try:
            signal = await asyncio.to_thread(self.modem.signal)
            registration = await asyncio.to_thread(self.modem.registration)
        except AtError as exc:
            logger.warning("health poll failed on %s: %s", self.url, exc)
            await self.recover(f"状态查询失败：{exc}")
            return
        self.urcs.registration = 1 if registration.registered else registration.creg
        await modems.heartbeat(self.modem_id, rssi=signal.rssi, registration=registration.creg)
        await outbox.reap_expired_leases()
        window = timedelta(seconds=self.settings.report_window_seconds)
        await inbound.retry_unmatched_reports(self.modem_id, window=window)
        await inbound.flush_incomplete()

    async def send(self, claim: outbox.Claim) -> None:
        """Every part back to back on this SIM; each outcome is committed before the next."""
        for part in claim.parts:
            if not await outbox.begin_part(
                part, claim.message_id, self.modem_id, self.owner, self.settings.lease_seconds
            ):
                return
            await self.bucket.take()
            submit = SubmitPart(part.tpdu_length, part.pdu_hex, part.sequence, len(claim.parts))
            try:
                reference = await asyncio.to_thread(self.modem.send_part, submit)
            except SendOutcomeUnknownError as exc:
                await outbox.part_unknown(part, claim.message_id, exc.detail)
                await self.recover(f"提交后无应答：{exc.detail}")
                return
            except CmsError as exc:
                await self._on_cms(claim, part, exc)
                return
            except (ModemDisconnectedError, SimNotReadyError) as exc:
                await outbox.release(claim.message_id, part=part, code=exc.code, detail=exc.detail)
                await self.recover(exc.detail)
                return
            except PromptTimeoutError as exc:
                await self._transient(claim, part, exc)
                await self.recover(exc.detail)
                return
            except AtError as exc:
                # Bare ERROR, CME, "OK without +CMGS": the modem says it did not send.
                await self._transient(claim, part, exc)
                return
            await outbox.part_sent(part, self.modem_id, reference)
        await outbox.finish_sent(claim.message_id)

    async def _on_cms(self, claim: outbox.Claim, part: outbox.PartWork, exc: CmsError) -> None:
        code = f"cms_{exc.number}" if exc.number is not None else "cms_error"
        error_class = classify_cms(exc.number)
        if error_class in {ErrorClass.PERMANENT, ErrorClass.BUG}:
            await outbox.part_failed(part, claim.message_id, code, exc.raw)
        elif error_class is ErrorClass.MODEM:
            # The SIM cannot send at all (barred, no SIM, no SMSC): park it, others take over.
            await outbox.release(claim.message_id, part=part, code=code, detail=exc.raw)
            await self.park(f"{exc.raw}")
        else:
            if exc.number in (331, 332):
                self.urcs.registration = 2
            await self._transient(claim, part, exc)

    async def _transient(self, claim: outbox.Claim, part: outbox.PartWork, exc: AtError) -> None:
        await outbox.part_retry(part, claim.message_id, exc.code, exc.detail, self.settings)
        if await modems.count_failure(self.modem_id) >= FAILURES_BEFORE_PARKING:
            await self.park(f"连续 {FAILURES_BEFORE_PARKING} 次发送失败：{exc.detail}")

    async def park(self, reason: str) -> None:
        await outbox.release_all(self.owner)
        await modems.set_state(
            self.modem_id, ModemState.PARKED, reason, park_seconds=self.settings.park_seconds
        )

    async def recover(self, reason: str) -> None:
        """Climb the recovery ladder; meanwhile the modem is parked and its work released."""
        await self.park(reason)
        try:
            await asyncio.to_thread(self.modem.recover)
        except ModemDownError as exc:
            await modems.set_state(self.modem_id, ModemState.DOWN, f"{reason}；{exc.detail}")
            self.healthy = False
            return
        self.urcs.disconnected = False
        try:
            await asyncio.to_thread(self.modem.command, "AT+CLIP=1")
        except AtError:
            self.urcs.clip = False
        registration = self.modem.info.registration
        self.urcs.registration = 1 if registration and registration.registered else None
        await modems.set_state(self.modem_id, ModemState.ONLINE)
        await self.urcs.sweep_storage()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
