"""Thin AT layer over pyserial: framing, URC routing, typed errors (reference gsm.md §1, §3, §7)."""

from sms_gateway.at.session import AtSession
from sms_gateway.at.urc import (
    CallerId,
    Disconnected,
    IncomingMessage,
    IncomingStatusReport,
    NewMessageIndication,
    OtherUrc,
    RegistrationChange,
    Ring,
    StatusReportIndication,
    Urc,
)

__all__ = [
    "AtSession",
    "CallerId",
    "Disconnected",
    "IncomingMessage",
    "IncomingStatusReport",
    "NewMessageIndication",
    "OtherUrc",
    "RegistrationChange",
    "Ring",
    "StatusReportIndication",
    "Urc",
]
