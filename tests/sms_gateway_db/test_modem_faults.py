"""A modem that never initialises is still listed, down, with the reason in Chinese."""

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from crm_core.config import SmsSettings
from sms_gateway.daemon import ModemDaemon
from sms_gateway.models import Modem, ModemState
from sms_gateway.rules import port_key
from sms_gateway.service import modems
from tests.factories import bearer, make_staff
from tests.sms_gateway_db.conftest import FAST, FAST_SETTINGS, eventually

NO_SIM = "未检测到 SIM 卡或 SIM 卡故障（检查 SIM 卡是否插好）"


@pytest.fixture
async def bare_daemon() -> AsyncIterator[Callable[[str], ModemDaemon]]:
    """Starts a daemon without waiting for it to become healthy."""
    running: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    def start(url: str) -> ModemDaemon:
        daemon = ModemDaemon(url, SmsSettings(**FAST_SETTINGS), timeouts=FAST)
        stop = asyncio.Event()
        running.append((stop, asyncio.create_task(daemon.run(stop))))
        return daemon

    yield start
    for stop, _ in running:
        stop.set()
    for _, task in running:
        await asyncio.wait_for(task, 10)


async def listed(port: str, reason: str) -> Callable[[], object]:
    async def check() -> bool:
        row = await Modem.get_or_none(port=port)
        return row is not None and row.state_reason == reason

    return check


async def test_modem_without_sim_is_listed_then_replaced_by_its_sim(
    sim_factory, bare_daemon, client: httpx.AsyncClient
):
    sim = sim_factory(sim="absent", imsi="460009999999999")
    daemon = bare_daemon(sim.url)
    await eventually(await listed(sim.url, NO_SIM))
    row = await Modem.get(port=sim.url)
    assert (row.imsi, row.state, row.daemon, row.last_heartbeat_at) == (
        port_key(sim.url),
        ModemState.DOWN,
        daemon.owner,
        None,
    )
    assert not daemon.healthy

    admin = await make_staff("admin")
    api = await client.get("/api/v1/sms/modems", headers=await bearer(admin))
    assert [(m["port"], m["state"], m["state_reason"]) for m in api.json()] == [
        (sim.url, "down", NO_SIM)
    ]
    # The console shows "未读到 IMSI" for the stand-in key (tests/e2e/test_spa_sms.py).
    assert api.json()[0]["imsi"] == port_key(sim.url)

    sim.set_sim("ready")

    async def up() -> bool:
        return daemon.healthy

    await eventually(up)
    assert [(m.imsi, m.port, m.state, m.state_reason) for m in await Modem.all()] == [
        ("460009999999999", sim.url, ModemState.ONLINE, "")
    ]


async def test_missing_port_is_listed_with_the_reason(bare_daemon):
    port = "/dev/scrm-test-no-such-tty"
    bare_daemon(port)
    reason = f"串口不存在：{port}（检查设备路径和 USB 连接）"
    await eventually(await listed(port, reason))
    assert [(m.imsi, m.state) for m in await Modem.all()] == [(port_key(port), ModemState.DOWN)]


async def test_modem_that_never_answers_is_listed(sim_factory, bare_daemon):
    sim = sim_factory()
    sim.stall()
    bare_daemon(sim.url)
    no_answer = "模块无应答：发送 AT 没有回复（检查供电、波特率和串口接线）"
    await eventually(await listed(sim.url, no_answer))
    assert await Modem.all().count() == 1


async def test_daemon_stopping_keeps_the_last_error(sim_factory):
    sim = sim_factory(sim="absent")
    daemon = ModemDaemon(sim.url, SmsSettings(**FAST_SETTINGS), timeouts=FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(daemon.run(stop))
    await eventually(await listed(sim.url, NO_SIM))
    stop.set()
    await asyncio.wait_for(task, 10)
    row = await Modem.get(port=sim.url)
    assert (row.state, row.state_reason) == (
        ModemState.OFFLINE,
        f"守护进程已停止；上次错误：{NO_SIM}",
    )


async def test_failure_on_a_known_port_marks_the_sim_last_seen_there():
    old = await modems.register_modem("460001111111111", port="/dev/ttyUSB0", daemon="a")
    newer = await modems.register_modem("460002222222222", port="/dev/ttyUSB0", daemon="a")
    other = await modems.register_modem("460003333333333", port="/dev/ttyUSB1", daemon="b")
    found = await modems.report_unavailable("/dev/ttyUSB0", daemon="c", reason=NO_SIM)
    assert found == newer.id
    rows = {m.imsi: (m.state, m.state_reason) for m in await Modem.all()}
    assert rows == {
        "460001111111111": (ModemState.ONLINE, ""),
        "460002222222222": (ModemState.DOWN, NO_SIM),
        "460003333333333": (ModemState.ONLINE, ""),
    }
    assert old.id != other.id


def test_port_key_fits_the_imsi_column():
    assert port_key("/dev/ttyUSB0") == "port:/dev/ttyUSB0"
    long_key = port_key("socket://modem-host.example.internal:7000")
    assert len(long_key) == 32
    assert long_key == port_key("socket://modem-host.example.internal:7000")
    assert long_key != port_key("socket://modem-host.example.internal:7001")
