"""Knobs of the modem simulator (reference gsm.md §6.6) and per-profile defaults (§6.2)."""

from __future__ import annotations

from dataclasses import dataclass, field

PROFILES = ("generic", "huawei_like", "quectel_like")
_IDENTITY = {
    "generic": ("SIMCOM_Ltd", "SIMCOM_SIM800", "Revision:1418B04SIM800L24"),
    "huawei_like": ("huawei", "E3372", "22.315.01.00.00"),
    "quectel_like": ("Quectel", "EC25", "EC25EFAR06A06M4G"),
}
_BOOT_URCS = {
    "generic": ("Call Ready", "SMS Ready"),
    "huawei_like": ("^SIMST:1", "^SRVST:2"),
    "quectel_like": ("RDY", "+CFUN: 1", "+CPIN: READY", "+QIND: SMS DONE"),
}


@dataclass
class SimConfig:
    """All delays are in simulated seconds and are multiplied by ``time_scale``.

    ``send_rate`` is the number of parts per simulated second the network accepts: further
    submits wait, exactly as a real SMSC paces one SIM.
    """

    profile: str = "generic"
    transport: str = "pty"
    time_scale: float = 1.0
    seed: int = 1
    sim: str = "ready"
    registration: int = 1
    rssi: int = 20
    smsc: str = "+8613800100500"
    imsi: str = "460001234567890"
    imei: str = "867322031234567"
    echo_force: bool = False
    prompt_delay: float = 0.05
    prompt_mode: str = "normal"
    submit_latency: float = 3.0
    send_rate: float | None = None
    mr_start: int = 0
    dlr_enabled: bool = True
    dlr_delay: float = 5.0
    dlr_status: dict[str, list[int]] = field(default_factory=dict)
    cds_with_sca: bool = True
    cnmi_ds_supported: tuple[int, ...] = (0, 1, 2)
    errors_by_dest: dict[str, int] = field(default_factory=dict)
    storage_capacity: int = 50
    unplug_on_submit: bool = False
    garbage_on_boot: bytes = b""
    line_ending: str = "\r\n"
    vendor_urc_interval: float = 10.0

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; choose from {PROFILES}")
        if self.transport not in ("pty", "socket"):
            raise ValueError("transport must be 'pty' or 'socket'")

    @property
    def identity(self) -> tuple[str, str, str]:
        return _IDENTITY[self.profile]

    @property
    def boot_urcs(self) -> tuple[str, ...]:
        return _BOOT_URCS[self.profile]
