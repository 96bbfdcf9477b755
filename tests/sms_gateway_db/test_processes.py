"""End to end with real processes: `scrm sms send` queues, `scrm modem-daemon` sends over a pty."""

import os
import signal
import subprocess
import sys

import pytest

from sms_gateway.models import Modem, ModemState, SmsMessage, SmsStatus
from tests.sms_gateway_db.conftest import eventually

pytestmark = pytest.mark.e2e


def scrm(*args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "scrm.cli", *args],
        env={**os.environ, "SCRM_SMS__POLL_SECONDS": "0.1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def test_cli_send_then_daemon_process_delivers(sim_factory):
    sim = sim_factory()
    sent = scrm("sms", "send", "--to", "13800138000", "订单已发货")
    output = sent.communicate(timeout=60)[0].decode()
    assert sent.returncode == 0, output
    assert "已排队 / queued" in output
    refused = scrm("sms", "send", "--to", "123", "你好")
    refused_output = refused.communicate(timeout=60)[0].decode()
    assert refused.returncode == 1
    assert "sms_invalid_number" in refused_output
    daemon = scrm("modem-daemon", "--port", sim.url)
    try:
        message = await SmsMessage.get()

        async def delivered() -> bool:
            return (await SmsMessage.get(id=message.id)).status is SmsStatus.DELIVERED

        await eventually(delivered, timeout=30)
        assert sim.texts_for("13800138000") == ["【示例商城】订单已发货"]
        assert await SmsMessage.all().count() == 1
    finally:
        daemon.send_signal(signal.SIGTERM)
        log = daemon.communicate(timeout=30)[0].decode()
    assert daemon.returncode == 0, log
    modem = await Modem.get()
    assert (modem.state, modem.parts_sent) == (ModemState.OFFLINE, 1)
