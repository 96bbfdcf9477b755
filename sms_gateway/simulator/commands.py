"""The command table of the simulated modem (reference gsm.md §6.4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sms_gateway.simulator.state import MEMORIES, Settings

if TYPE_CHECKING:
    from sms_gateway.simulator.core import SimCore

Handler = Callable[["SimCore", str], list[str]]

_BASIC = re.compile(r"(E[01]?|V[01]?|Q[01]?|Z|&F|I|H|A)", re.IGNORECASE)
_EXTENDED = re.compile(r"([+^][A-Z]+)(.*)", re.IGNORECASE)


def _error(kind: str, number: int = 0) -> Exception:
    from sms_gateway.simulator.core import SimError

    return SimError(kind, number)


def _int_arg(argument: str, allowed: range | tuple[int, ...]) -> int:
    value = argument[1:].split(",")[0].strip()
    if not value.isdigit() or int(value) not in allowed:
        raise _error("cme", 3)
    return int(value)


def execute(core: SimCore, part: str) -> list[str]:
    if not part:
        return []
    match = _EXTENDED.fullmatch(part)
    if match is None:
        return _basic(core, part)
    name, argument = match.group(1).upper(), match.group(2).strip()
    handler = _TABLE.get(name)
    if handler is None:
        raise _error("cme", 4)
    return handler(core, argument)


def _basic(core: SimCore, text: str) -> list[str]:
    responses: list[str] = []
    position = 0
    while position < len(text):
        match = _BASIC.match(text, position)
        if match is None:
            raise _error("error")
        command = match.group(1).upper()
        position = match.end()
        if command.startswith("E"):
            core.settings.echo = command != "E0"
        elif command in ("Z", "&F"):
            core.settings = Settings(vendor_urcs=core.settings.vendor_urcs)
        elif command == "I":
            responses.extend(core.config.identity[:2])
    return responses


def _query(
    name: str, read: Callable[[SimCore], str], write: Callable[[SimCore, str], None], test: str
) -> Handler:
    def handler(core: SimCore, argument: str) -> list[str]:
        if argument == "?":
            return [f"{name}: {read(core)}"]
        if argument == "=?":
            return [f"{name}: {test}"] if test else []
        if argument.startswith("="):
            write(core, argument)
            return []
        raise _error("cme", 3)

    return handler


def _set(attribute: str, allowed: range | tuple[int, ...]) -> Callable[[SimCore, str], None]:
    def write(core: SimCore, argument: str) -> None:
        setattr(core.settings, attribute, _int_arg(argument, allowed))

    return write


def _identity(index: int) -> Handler:
    def handler(core: SimCore, argument: str) -> list[str]:
        values = (*core.config.identity, core.config.imei)
        return [values[index]]

    return handler


def _cimi(core: SimCore, argument: str) -> list[str]:
    core.require_sim("cme")
    return [core.config.imsi]


_CPIN_STATES = {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK"}


def _cpin(core: SimCore, argument: str) -> list[str]:
    if argument == "?":
        if core.sim_state in ("absent", "busy"):
            core.require_sim("cme")
        return [f"+CPIN: {_CPIN_STATES[core.sim_state]}"]
    if argument.startswith("=") and core.sim_state == "pin":
        if argument[1:].split(",")[0].strip('"') == core.pin_code:
            core.sim_state = "ready"
            return []
        core.pin_attempts += 1
        if core.pin_attempts >= 3:
            core.sim_state = "puk"
        raise _error("cme", 16)
    raise _error("cme", 3)


def _cfun(core: SimCore, argument: str) -> list[str]:
    from sms_gateway.simulator.network import soft_reset

    if argument == "?":
        return [f"+CFUN: {core.settings.cfun}"]
    if argument == "=?":
        return ["+CFUN: (0,1,4),(0,1)"]
    fields = argument[1:].split(",")
    core.settings.cfun = _int_arg(argument, (0, 1, 4))
    if len(fields) > 1 and fields[1].strip() == "1":
        core.schedule(core.config.prompt_delay, lambda: soft_reset(core))
    return []


def _csq(core: SimCore, argument: str) -> list[str]:
    return [f"+CSQ: {core.config.rssi},99"]


def _registration(name: str, attribute: str) -> Handler:
    def handler(core: SimCore, argument: str) -> list[str]:
        n = getattr(core.settings, attribute)
        if argument == "?":
            stat = core.registration if core.settings.cfun == 1 else 0
            location = ',"1A2B","00C3D4E5"' if n == 2 else ""
            return [f"{name}: {n},{stat}{location}"]
        if argument == "=?":
            return [f"{name}: (0-2)"]
        setattr(core.settings, attribute, _int_arg(argument, range(3)))
        return []

    return handler


def _csca_write(core: SimCore, argument: str) -> None:
    core.config.smsc = argument[1:].split(",")[0].strip('"')


def _csms(core: SimCore, argument: str) -> list[str]:
    if argument == "?":
        return [f"+CSMS: {core.settings.csms},1,1,1"]
    if argument == "=?":
        return ["+CSMS: (0,1)"]
    core.settings.csms = _int_arg(argument, (0, 1))
    return ["+CSMS: 1,1,1"]


def _cpms(core: SimCore, argument: str) -> list[str]:
    storage = core.storage
    if argument == "=?":
        return ['+CPMS: ("ME","SM","SR"),("ME","SM"),("ME","SM")']
    if argument == "?":
        fields = [f'"{m}",{storage.used(m)},{storage.capacity}' for m in core.settings.cpms]
        return ["+CPMS: " + ",".join(fields)]
    memories = [value.strip().strip('"').upper() for value in argument[1:].split(",")]
    if not memories or any(memory not in MEMORIES for memory in memories[:3]):
        raise _error("cms", 302)
    core.settings.cpms[: len(memories)] = memories[:3]
    usage = [f"{storage.used(m)},{storage.capacity}" for m in core.settings.cpms]
    return ["+CPMS: " + ",".join(usage)]


def _cnmi(core: SimCore, argument: str) -> list[str]:
    if argument == "?":
        return ["+CNMI: " + ",".join(str(value) for value in core.settings.cnmi)]
    if argument == "=?":
        return ["+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)"]
    values = [int(value) if value.strip() else 0 for value in argument[1:].split(",")]
    values += [0] * (5 - len(values))
    if values[3] not in core.config.cnmi_ds_supported:
        raise _error("cms", 303)
    core.settings.cnmi = (values[0], values[1], values[2], values[3], values[4])
    return []


def _cmgr(core: SimCore, argument: str) -> list[str]:
    index = _int_arg(argument, range(1, 1000))
    entry = core.storage.memories[core.settings.cpms[0]].get(index)
    if entry is None:
        raise _error("cms", 321)
    stat = entry.stat
    if entry.stat == 0:
        entry.stat = 1
    return [f"+CMGR: {stat},,{entry.tpdu_length}", entry.pdu_hex]


def _cmgl(core: SimCore, argument: str) -> list[str]:
    wanted = _int_arg(argument, range(5))
    lines: list[str] = []
    for index, entry in sorted(core.storage.memories[core.settings.cpms[0]].items()):
        if wanted in (4, entry.stat):
            lines += [f"+CMGL: {index},{entry.stat},,{entry.tpdu_length}", entry.pdu_hex]
            if entry.stat == 0:
                entry.stat = 1
    return lines


def _cmgd(core: SimCore, argument: str) -> list[str]:
    from sms_gateway.simulator.network import retry_backlog

    fields = argument[1:].split(",")
    index = _int_arg(argument, range(1000))
    flag = int(fields[1]) if len(fields) > 1 and fields[1].strip().isdigit() else 0
    slots = core.storage.memories[core.settings.cpms[0]]
    if flag == 4:
        slots.clear()
    elif flag:
        for key in [key for key, entry in slots.items() if entry.stat <= flag]:
            del slots[key]
    else:
        slots.pop(index, None)
    retry_backlog(core)
    return []


def _cnma(core: SimCore, argument: str) -> list[str]:
    if not core.ack_pending:
        raise _error("cms", 340)
    core.ack_pending = False
    return []


def _curc(core: SimCore, argument: str) -> list[str]:
    if core.config.profile != "huawei_like":
        raise _error("cme", 4)
    core.settings.vendor_urcs = argument != "=0"
    return []


def _ignored(core: SimCore, argument: str) -> list[str]:
    return []


def _not_supported(core: SimCore, argument: str) -> list[str]:
    raise _error("cms", 303)


def _setting(attribute: str) -> Handler:
    return _query(
        f"+{attribute.upper()}",
        lambda core: str(getattr(core.settings, attribute)),
        _set(attribute, range(10)),
        "",
    )


_TABLE: dict[str, Handler] = {
    "+CMEE": _query("+CMEE", lambda c: str(c.settings.cmee), _set("cmee", range(3)), "(0-2)"),
    "+CMGF": _query("+CMGF", lambda c: str(c.settings.cmgf), _set("cmgf", (0, 1)), "(0,1)"),
    "+CLIP": _query("+CLIP", lambda c: f"{c.settings.clip},1", _set("clip", (0, 1)), "(0,1)"),
    "+CMMS": _setting("cmms"),
    "+CSCS": _query(
        "+CSCS",
        lambda c: f'"{c.settings.cscs}"',
        lambda c, a: setattr(c.settings, "cscs", a[1:].strip('"')),
        '("IRA","GSM","UCS2")',
    ),
    "+CSMP": _query(
        "+CSMP", lambda c: c.settings.csmp, lambda c, a: setattr(c.settings, "csmp", a[1:]), ""
    ),
    "+CSCA": _query(
        "+CSCA",
        lambda c: f'"{c.config.smsc}",{145 if c.config.smsc.startswith("+") else 129}',
        _csca_write,
        "",
    ),
    "+COPS": _query("+COPS", lambda c: '0,0,"CHINA MOBILE",7', lambda c, a: None, ""),
    "+CGMI": _identity(0),
    "+CGMM": _identity(1),
    "+CGMR": _identity(2),
    "+CGSN": _identity(3),
    "+GSN": _identity(3),
    "+CIMI": _cimi,
    "+CPIN": _cpin,
    "+CFUN": _cfun,
    "+CSQ": _csq,
    "+CREG": _registration("+CREG", "creg_n"),
    "+CEREG": _registration("+CEREG", "cereg_n"),
    "+CGREG": _registration("+CGREG", "cereg_n"),
    "+CSMS": _csms,
    "+CPMS": _cpms,
    "+CNMI": _cnmi,
    "+CMGR": _cmgr,
    "+CMGL": _cmgl,
    "+CMGD": _cmgd,
    "+CNMA": _cnma,
    "^CURC": _curc,
    "+CGSMS": _ignored,
    "+CRC": _ignored,
    "+CVHU": _ignored,
    "+CMGW": _not_supported,
    "+CMSS": _not_supported,
}
