"""Typed errors of the SMS gateway.

Each error has a stable snake_case ``code`` and an HTTP-ish ``status_code`` so the web layer can
render it once ``crm_core.errors.CRMError`` exists (the base class will then move under it).
"""

from __future__ import annotations


class SmsGatewayError(Exception):
    code = "sms_gateway_error"
    status_code = 502

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail or self.code


class InvalidNumberError(SmsGatewayError):
    code = "sms_invalid_number"
    status_code = 422


class MessageTooLongError(SmsGatewayError):
    code = "sms_message_too_long"
    status_code = 413


class PduDecodeError(SmsGatewayError):
    code = "sms_pdu_malformed"


class AtError(SmsGatewayError):
    """A command ended in an error final result; ``command`` is what we sent."""

    code = "modem_error"

    def __init__(self, detail: str = "", *, command: str = "") -> None:
        super().__init__(detail)
        self.command = command


class CommandError(AtError):
    """A bare ``ERROR`` (or a vendor final such as ``COMMAND NOT SUPPORT``)."""

    code = "modem_command_error"


class CmsError(AtError):
    """``+CMS ERROR: <n>``; ``number`` is None when the firmware printed text instead."""

    code = "modem_cms_error"

    def __init__(self, number: int | None, raw: str, *, command: str = "") -> None:
        super().__init__(f"{raw} (after {command})" if command else raw, command=command)
        self.number = number
        self.raw = raw


class CmeError(AtError):
    """``+CME ERROR: <n>``; ``number`` is None when the firmware printed text instead."""

    code = "modem_cme_error"

    def __init__(self, number: int | None, raw: str, *, command: str = "") -> None:
        super().__init__(f"{raw} (after {command})" if command else raw, command=command)
        self.number = number
        self.raw = raw


class AtTimeoutError(AtError):
    code = "modem_timeout"


class PromptTimeoutError(AtTimeoutError):
    """No ``> `` prompt came; the PDU was never written, so a retry cannot duplicate it."""

    code = "modem_prompt_timeout"


class MissingSubmitResultError(AtError):
    """``OK`` without ``+CMGS:``: Siemens-derived firmware reports a failed send this way."""

    code = "modem_missing_cmgs"


class ModemDisconnectedError(AtError):
    """The port went away (USB unplug, closed pty, dropped socket)."""

    code = "modem_disconnected"


class SendOutcomeUnknownError(AtError):
    """The PDU was written but no result came back: the SMS may or may not have gone out."""

    code = "sms_send_outcome_unknown"

    def __init__(self, detail: str, *, command: str = "", disconnected: bool = False) -> None:
        super().__init__(detail, command=command)
        self.disconnected = disconnected


class SimNotReadyError(AtError):
    """No SIM, SIM failure, or a PIN/PUK the configuration cannot satisfy."""

    code = "modem_sim_not_ready"


class ModemDownError(AtError):
    """The recovery ladder ran out of steps; the daemon parks the modem and retries later."""

    code = "modem_down"
