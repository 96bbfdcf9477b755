"""A byte-faithful GSM modem simulator on a pty or a TCP socket (reference gsm.md §6)."""

from sms_gateway.simulator.config import SimConfig
from sms_gateway.simulator.sim import ModemSim
from sms_gateway.simulator.state import Call, ReceivedMessage, ReportRecord, SubmitRecord

__all__ = ["Call", "ModemSim", "ReceivedMessage", "ReportRecord", "SimConfig", "SubmitRecord"]
