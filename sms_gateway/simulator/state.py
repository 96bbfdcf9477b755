"""Mutable modem state (owned by the simulator thread) and the records tests observe."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sms_gateway.pdu import StatusReport, Submit, normalize_cn_msisdn

MEMORIES = ("ME", "SM", "SR")


@dataclass
class Settings:
    """What ``ATZ``, ``AT&F`` and a reset restore: the factory defaults (echo on, CMEE 0...)."""

    echo: bool = True
    cmee: int = 0
    cmgf: int = 0
    cscs: str = "GSM"
    csmp: str = "17,167,0,0"
    csms: int = 0
    cnmi: tuple[int, int, int, int, int] = (2, 1, 0, 0, 0)
    cpms: list[str] = field(default_factory=lambda: ["ME", "ME", "ME"])
    creg_n: int = 0
    cereg_n: int = 0
    clip: int = 0
    cfun: int = 1
    cmms: int = 0
    vendor_urcs: bool = True


@dataclass
class StoredEntry:
    stat: int
    tpdu_length: int
    pdu_hex: str


@dataclass
class Storage:
    capacity: int
    memories: dict[str, dict[int, StoredEntry]] = field(
        default_factory=lambda: {memory: {} for memory in MEMORIES}
    )

    def store(self, memory: str, entry: StoredEntry) -> int | None:
        slots = self.memories[memory]
        for index in range(1, self.capacity + 1):
            if index not in slots:
                slots[index] = entry
                return index
        return None

    def used(self, memory: str) -> int:
        return len(self.memories[memory])


@dataclass(frozen=True, slots=True)
class SubmitRecord:
    """One accepted AT+CMGS part, with its PDU decoded."""

    time: float
    mr: int
    tpdu_length: int
    pdu_hex: str
    decoded: Submit


@dataclass(frozen=True, slots=True)
class ReportRecord:
    time: float
    report: StatusReport
    routed: str


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """Parts of one logical message as the recipient's handset would reassemble them."""

    destination: str
    reference: int | None
    total: int
    parts: tuple[SubmitRecord, ...]

    @property
    def complete(self) -> bool:
        sequences = {part.decoded.concat.sequence for part in self.parts if part.decoded.concat}
        return self.total == 1 or sequences == set(range(1, self.total + 1))

    @property
    def text(self) -> str:
        ordered = sorted(
            self.parts, key=lambda part: part.decoded.concat.sequence if part.decoded.concat else 0
        )
        return "".join(part.decoded.text for part in ordered)


@dataclass(frozen=True, slots=True)
class Call:
    time: datetime
    number: str


def reassemble(submits: list[SubmitRecord]) -> list[ReceivedMessage]:
    """Group parts by (recipient, concat reference, total); a repeated part starts a new message."""
    messages: list[ReceivedMessage] = []
    open_groups: dict[tuple[str, int, int], int] = {}
    for record in submits:
        destination = normalize_cn_msisdn(record.decoded.destination)
        concat = record.decoded.concat
        if concat is None or concat.total == 1:
            messages.append(ReceivedMessage(destination, None, 1, (record,)))
            continue
        key = (destination, concat.reference, concat.total)
        position = open_groups.get(key)
        if position is not None:
            group = messages[position]
            if all(part.decoded.concat != concat for part in group.parts):
                messages[position] = ReceivedMessage(
                    destination, concat.reference, concat.total, (*group.parts, record)
                )
                continue
        open_groups[key] = len(messages)
        messages.append(ReceivedMessage(destination, concat.reference, concat.total, (record,)))
    return messages
