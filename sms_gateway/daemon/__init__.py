"""The modem daemon: one process (or task) per serial port."""

from sms_gateway.daemon.worker import ModemDaemon, TokenBucket

__all__ = ["ModemDaemon", "TokenBucket"]
