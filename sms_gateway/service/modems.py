"""The modem pool as the database sees it: identity, health, throughput, enable/disable."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from crm_core import audit, clock
from sms_gateway import repository, rules
from sms_gateway.errors import SmsNotFoundError
from sms_gateway.models import Modem, ModemState
from sms_gateway.schemas import ModemRead
from sms_gateway.service import outbox


@dataclass(frozen=True)
class Gate:
    enabled: bool
    state: ModemState
    parked_until: datetime | None

    def may_send(self, now: datetime) -> bool:
        if not self.enabled or self.state is ModemState.DOWN:
            return False
        return self.state is ModemState.ONLINE or (
            self.parked_until is not None and self.parked_until <= now
        )


async def register_modem(
    imsi: str, *, port: str, daemon: str, manufacturer: str = "", model: str = ""
) -> Modem:
    modem, _ = await Modem.get_or_create(imsi=imsi, defaults={"port": port})
    modem.port, modem.daemon = port, daemon
    modem.manufacturer, modem.model = manufacturer[:64], model[:64]
    modem.state, modem.state_reason, modem.parked_until = ModemState.ONLINE, "", None
    modem.consecutive_failures, modem.last_heartbeat_at = 0, clock.utc_now()
    await modem.save()
    # The stand-in row of a port that failed before its IMSI was read has served its purpose.
    await Modem.filter(port=port, imsi=rules.port_key(port)).exclude(id=modem.id).delete()
    return modem


async def report_unavailable(port: str, *, daemon: str, reason: str) -> int:
    """A port that never came up is still listed: the SIM last seen on it, else a stand-in
    row keyed by the port, marked down with the reason."""
    rows = await Modem.filter(port=port)
    oldest = datetime.min.replace(tzinfo=clock.utc_now().tzinfo)
    modem = max(rows, key=lambda m: (m.last_heartbeat_at or oldest, m.id), default=None)
    if modem is None:
        modem, _ = await Modem.get_or_create(
            imsi=rules.port_key(port), defaults={"port": port, "daemon": daemon}
        )
    modem.daemon, modem.state, modem.state_reason = daemon, ModemState.DOWN, reason[:255]
    modem.parked_until = None
    await modem.save(update_fields=["daemon", "state", "state_reason", "parked_until"])
    return int(modem.id)


async def heartbeat(modem_id: int, *, rssi: int | None, registration: int | None) -> None:
    await Modem.filter(id=modem_id).update(
        rssi=rssi, registration=registration, last_heartbeat_at=clock.utc_now()
    )


async def set_state(
    modem_id: int, state: ModemState, reason: str = "", *, park_seconds: int | None = None
) -> None:
    until = clock.utc_now() + timedelta(seconds=park_seconds) if park_seconds else None
    await Modem.filter(id=modem_id).update(
        state=state, state_reason=reason[:255], parked_until=until
    )


async def count_failure(modem_id: int) -> int:
    modem = await Modem.get(id=modem_id)
    modem.consecutive_failures += 1
    await modem.save(update_fields=["consecutive_failures"])
    return modem.consecutive_failures


async def gate(modem_id: int) -> Gate:
    modem = await Modem.get(id=modem_id)
    return Gate(modem.enabled, modem.state, modem.parked_until)


async def set_enabled(modem_id: int, enabled: bool, actor: audit.Actor) -> ModemRead:
    """Disabling stops new claims at once; the daemon hands back what it has not submitted."""
    modem = await Modem.get_or_none(id=modem_id)
    if modem is None:
        raise SmsNotFoundError("短信模块不存在")
    if modem.enabled != enabled:
        modem.enabled = enabled
        await modem.save(update_fields=["enabled"])
        if not enabled:
            await outbox.fail_pinned(modem.id)
        await audit.record(
            actor,
            "sms.modem_enable" if enabled else "sms.modem_disable",
            target_type="sms_modem",
            target_id=modem.id,
            before={"enabled": not enabled},
            after={"enabled": enabled},
        )
    return (await list_modems(only=modem.id))[0]


async def list_modems(only: int | None = None) -> list[ModemRead]:
    since = clock.utc_now() - timedelta(minutes=10)
    recent = await repository.parts_sent_since(since)
    queued = await repository.queued_by_modem()
    query = Modem.all() if only is None else Modem.filter(id=only)
    result = []
    for modem in await query:
        read = ModemRead.model_validate(modem)
        read.parts_last_10_minutes = recent.get(modem.id, 0)
        read.queued = queued.get(modem.id, 0)
        result.append(read)
    return result
