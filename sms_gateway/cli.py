"""Command-line tools; ``scrm`` mounts the ``sms`` group and the ``modem-sim`` command."""

from __future__ import annotations

import threading

import click

from sms_gateway.errors import SmsGatewayError
from sms_gateway.pdu import VP_24_HOURS, encode_submit
from sms_gateway.simulator import ModemSim
from sms_gateway.simulator.config import PROFILES


@click.group("sms")
def sms() -> None:
    """SMS gateway tools."""


@sms.command("pdu")
@click.option("--to", "destination", required=True, help="Recipient, e.g. 13800138000.")
@click.option(
    "--ref",
    "concat_reference",
    default=0,
    type=click.IntRange(0, 255),
    help="Concatenation reference for long messages.",
)
@click.option(
    "--validity",
    default=VP_24_HOURS,
    type=click.IntRange(0, 255),
    help="Relative TP-VP (167 = 24 h).",
)
@click.option("--no-status-report", is_flag=True, help="Do not request a delivery report.")
@click.argument("text")
def pdu(
    destination: str, concat_reference: int, validity: int, no_status_report: bool, text: str
) -> None:
    """Print the hex PDU of each part, one per line: what goes after the ``> `` prompt."""
    try:
        parts = encode_submit(
            destination,
            text,
            concat_reference=concat_reference,
            validity_period=validity,
            request_status_report=not no_status_report,
        )
    except SmsGatewayError as exc:
        raise click.BadParameter(exc.detail) from exc
    for part in parts:
        click.echo(part.pdu_hex)


@click.command("modem-sim")
@click.option("--count", default=1, type=click.IntRange(1, 64), help="How many modems.")
@click.option("--transport", default="pty", type=click.Choice(["pty", "socket"]))
@click.option("--profile", default="generic", type=click.Choice(PROFILES))
@click.option("--time-scale", default=1.0, type=float, help="Multiplies every simulated delay.")
def modem_sim(count: int, transport: str, profile: str, time_scale: float) -> None:
    """Run simulated modems and print their device paths; Ctrl-C stops them."""
    simulators = [
        ModemSim(
            transport=transport,
            profile=profile,
            time_scale=time_scale,
            seed=index,
            imsi=f"46000123456{index:04d}",
        )
        for index in range(count)
    ]
    try:
        for simulator in simulators:
            click.echo(simulator.start())
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for simulator in simulators:
            simulator.stop()
