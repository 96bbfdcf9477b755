"""A GSM modem on one port: initialisation (§1.2), SMS operations and the recovery ladder (§7.4)."""

from __future__ import annotations

import logging
import queue
import time
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType

import serial

from sms_gateway.at.session import ESC, AtSession
from sms_gateway.at.urc import Urc, split_fields
from sms_gateway.errors import (
    AtError,
    CmeError,
    CmsError,
    ModemDisconnectedError,
    ModemDownError,
    SimNotReadyError,
)
from sms_gateway.pdu import (
    VP_24_HOURS,
    Deliver,
    StatusReport,
    SubmitPart,
    decode_deliver,
    decode_status_report,
    encode_submit,
)

logger = logging.getLogger(__name__)

SIM_BUSY_CME = 14
SIM_BUSY_CMS = 314
NO_SIM_CME = (10, 13)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds, per §1.7. Tests shrink them with ``scaled``."""

    simple: float = 5.0
    sim: float = 15.0
    prompt: float = 10.0
    submit: float = 120.0
    storage: float = 30.0
    probe: float = 2.0
    boot: float = 60.0
    sim_retry: float = 1.0

    def scaled(self, factor: float) -> Timeouts:
        return Timeouts(
            *(
                value * factor
                for value in (
                    self.simple,
                    self.sim,
                    self.prompt,
                    self.submit,
                    self.storage,
                    self.probe,
                    self.boot,
                    self.sim_retry,
                )
            )
        )


@dataclass(frozen=True, slots=True)
class Signal:
    rssi: int
    ber: int

    @property
    def dbm(self) -> int | None:
        return None if self.rssi == 99 else -113 + 2 * self.rssi


@dataclass(frozen=True, slots=True)
class Registration:
    creg: int
    cereg: int | None

    @property
    def registered(self) -> bool:
        """Home (1) or roaming (5) on either domain; LTE modules may report SMS only via CEREG."""
        return self.creg in (1, 5) or self.cereg in (1, 5)


@dataclass(frozen=True, slots=True)
class ModemInfo:
    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    imei: str = ""
    imsi: str = ""
    smsc: str = ""
    sms_service: int = 0
    storage: str = ""
    cnmi: str = ""
    signal: Signal | None = None
    registration: Registration | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    index: int
    stat: int
    tpdu_length: int
    pdu_hex: str

    def decode(self) -> Deliver | StatusReport:
        data = bytes.fromhex(self.pdu_hex)
        start = 0 if len(data) == self.tpdu_length else data[0] + 1
        if data[start] & 0x03 == 0x02:
            return decode_status_report(self.pdu_hex, tpdu_length=self.tpdu_length)
        return decode_deliver(self.pdu_hex, tpdu_length=self.tpdu_length)


class RecoveryStep(StrEnum):
    PROBE = "probe"
    ESCAPE = "escape"
    REOPEN = "reopen"
    RESET = "reset"


class Modem:
    def __init__(
        self,
        url: str,
        *,
        timeouts: Timeouts | None = None,
        pin: str | None = None,
        smsc: str | None = None,
        rtscts: bool = False,
        write_chunk_size: int = 0,
        write_chunk_delay: float = 0.0,
        cnmi_options: tuple[str, ...] = ("2,1,0,2,0", "2,1,0,1,0"),
    ) -> None:
        self.url = url
        self.timeouts = timeouts or Timeouts()
        self.info = ModemInfo()
        self.urcs: queue.Queue[Urc] = queue.Queue()
        self._pin = pin
        self._smsc = smsc
        self._cnmi_options = cnmi_options
        self._session = AtSession(
            url,
            rtscts=rtscts,
            write_chunk_size=write_chunk_size,
            write_chunk_delay=write_chunk_delay,
            urcs=self.urcs,
        )

    def open(self) -> None:
        try:
            self._session.open()
        except (serial.SerialException, OSError) as exc:
            raise ModemDisconnectedError(f"cannot open {self.url}: {exc}") from exc

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Modem:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._session.connected

    def command(
        self,
        command: str,
        *,
        expect: tuple[str, ...] = (),
        timeout: float | None = None,
        data_lines: bool = False,
    ) -> list[str]:
        return self._session.command(
            command,
            expect=expect,
            timeout=self.timeouts.simple if timeout is None else timeout,
            data_lines=data_lines,
        )

    def _value(self, command: str, prefix: str, timeout: float | None = None) -> str:
        for line in self.command(command, expect=(prefix,), timeout=timeout):
            return line.split(":", 1)[1].strip()
        return ""

    def _try(self, command: str, *, timeout: float | None = None) -> list[str] | None:
        """For init steps whose failure is tolerated (§1.2 "ignore")."""
        try:
            return self.command(command, timeout=timeout)
        except ModemDisconnectedError:
            raise
        except AtError as exc:
            logger.info("%s failed on %s: %s", command, self.url, exc)
            return None

    def probe(self) -> bool:
        try:
            self.command("AT", timeout=self.timeouts.probe)
        except AtError:
            return False
        return True

    def initialize(self) -> ModemInfo:
        """The §1.2 sequence; run again after every reopen or reset (a reset restores defaults)."""
        if not any(self.probe() for _ in range(3)):
            raise ModemDownError(f"no answer to AT on {self.url}")
        self._try("ATE0")
        self._try("AT+CMEE=1")
        self._unlock_sim()
        identity = [
            " ".join(self._try(command) or [])
            for command in ("AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+CIMI")
        ]
        if "HUAWEI" in identity[0].upper():
            self._try("AT^CURC=0")
        if self._value("AT+CFUN?", "+CFUN:").split(",")[0] != "1":
            self.command("AT+CFUN=1", timeout=self.timeouts.boot)
        self._try("AT+CREG=2")
        self.command("AT+CMGF=0")
        smsc = self._read_smsc()
        sms_service = self._value("AT+CSMS?", "+CSMS:").split(",")[0]
        storage = self._select_storage()
        cnmi = self._select_cnmi()
        manufacturer, model, revision, imei, imsi = identity
        self.info = ModemInfo(
            manufacturer,
            model,
            revision,
            imei,
            imsi,
            smsc,
            int(sms_service or 0),
            storage,
            cnmi,
            self.signal(),
            self.registration(),
        )
        return self.info

    def _unlock_sim(self) -> None:
        deadline = time.monotonic() + self.timeouts.sim
        pin_sent = False
        while True:
            try:
                state = self._value("AT+CPIN?", "+CPIN:", self.timeouts.sim).upper()
            except (CmeError, CmsError) as exc:
                busy = exc.number in (SIM_BUSY_CME, SIM_BUSY_CMS)
                if busy and time.monotonic() < deadline:
                    time.sleep(self.timeouts.sim_retry)
                    continue
                if isinstance(exc, CmeError) and exc.number in NO_SIM_CME:
                    raise SimNotReadyError("no SIM or SIM failure", command="AT+CPIN?") from exc
                raise
            if state == "READY":
                return
            if state == "SIM PIN" and self._pin and not pin_sent:
                # One attempt only: three wrong PINs lock the SIM behind its PUK.
                pin_sent = True
                try:
                    self.command(f'AT+CPIN="{self._pin}"', timeout=self.timeouts.sim)
                except (CmeError, CmsError) as exc:
                    raise SimNotReadyError("PIN rejected", command="AT+CPIN") from exc
                continue
            raise SimNotReadyError(f"SIM state {state}", command="AT+CPIN?")

    def _read_smsc(self) -> str:
        try:
            fields = split_fields(self._value("AT+CSCA?", "+CSCA:"))
        except CmsError:
            fields = []
        current = fields[0] if fields else ""
        if not current and self._smsc:
            self.command(f'AT+CSCA="{self._smsc}",145')
            current = self._smsc
        return current

    def _select_storage(self) -> str:
        for memory in ("ME", "SM"):
            if self._try(f'AT+CPMS="{memory}","{memory}","{memory}"') is not None:
                return memory
        return ""

    def _select_cnmi(self) -> str:
        for option in self._cnmi_options:
            if self._try(f"AT+CNMI={option}") is not None:
                return option
        return ""

    def signal(self) -> Signal:
        rssi, ber = (int(value) for value in self._value("AT+CSQ", "+CSQ:").split(",")[:2])
        return Signal(rssi, ber)

    def registration(self) -> Registration:
        creg = self._registration_stat("AT+CREG?", "+CREG:")
        try:
            cereg: int | None = self._registration_stat("AT+CEREG?", "+CEREG:")
        except ModemDisconnectedError:
            raise
        except AtError:
            cereg = None
        return Registration(creg, cereg)

    def _registration_stat(self, command: str, prefix: str) -> int:
        return int(split_fields(self._value(command, prefix))[1])

    def send_part(self, part: SubmitPart) -> int:
        return self._session.send_pdu(
            part.tpdu_length,
            part.pdu_hex,
            prompt_timeout=self.timeouts.prompt,
            result_timeout=self.timeouts.submit,
        )

    def send_text(
        self,
        destination: str,
        text: str,
        *,
        concat_reference: int = 0,
        request_status_report: bool = True,
        validity_period: int | None = VP_24_HOURS,
    ) -> list[int]:
        """All parts back to back on this SIM; returns each part's TP-MR, in order."""
        parts = encode_submit(
            destination,
            text,
            concat_reference=concat_reference,
            request_status_report=request_status_report,
            validity_period=validity_period,
        )
        return [self.send_part(part) for part in parts]

    def read_message(self, index: int) -> StoredMessage:
        lines = self.command(
            f"AT+CMGR={index}", expect=("+CMGR:",), timeout=self.timeouts.storage, data_lines=True
        )
        header = split_fields(lines[0].split(":", 1)[1])
        return StoredMessage(index, int(header[0] or 0), int(header[-1]), lines[1])

    def list_messages(self, stat: int = 4) -> list[StoredMessage]:
        lines = self.command(
            f"AT+CMGL={stat}", expect=("+CMGL:",), timeout=self.timeouts.storage, data_lines=True
        )
        messages = []
        for header_line, pdu_hex in zip(lines[::2], lines[1::2], strict=True):
            header = split_fields(header_line.split(":", 1)[1])
            messages.append(StoredMessage(int(header[0]), int(header[1]), int(header[-1]), pdu_hex))
        return messages

    def delete_message(self, index: int) -> None:
        self.command(f"AT+CMGD={index}")

    def select_read_storage(self, memory: str) -> None:
        """``+CDSI: "SR",<i>`` reports sit in SR memory: select it before ``read_message``."""
        self.command(f'AT+CPMS="{memory}"', expect=("+CPMS:",))

    def acknowledge(self) -> None:
        """``AT+CNMA`` after a routed ``+CMT``/``+CDS``, needed only when ``+CSMS: 1``."""
        self.command("AT+CNMA")

    def recover(self) -> RecoveryStep:
        """Climb the §7.4 ladder until the modem answers; ModemDownError when it never does."""
        if self.connected and (self.probe() or self.probe()):
            return RecoveryStep.PROBE
        if self.connected:
            try:
                self._session.write_raw(ESC)
                if self.probe():
                    return RecoveryStep.ESCAPE
            except ModemDisconnectedError:
                logger.info("port lost during escape on %s", self.url)
        if self._reopen_and_initialize():
            return RecoveryStep.REOPEN
        if self.connected:
            self._try("AT+CFUN=1,1")
        deadline = time.monotonic() + self.timeouts.boot
        while time.monotonic() < deadline:
            if self._reopen_and_initialize():
                return RecoveryStep.RESET
            time.sleep(min(self.timeouts.probe, max(0.0, deadline - time.monotonic())))
        raise ModemDownError(f"{self.url} did not recover")

    def _reopen_and_initialize(self) -> bool:
        self.close()
        try:
            self.open()
            self.initialize()
        except (AtError, serial.SerialException, OSError) as exc:
            logger.info("reopen of %s failed: %s", self.url, exc)
            return False
        return True
