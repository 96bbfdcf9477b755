"""Typed errors of the SMS gateway: modem failures are upstream (502) errors, bad input is 4xx.

Each has a stable snake_case ``code``; ``crm_core.http`` renders them like every other CRMError.
"""

from __future__ import annotations

from crm_core.errors import ConflictError, CRMError, NotFoundError, RateLimitedError, UpstreamError


class SmsGatewayError(UpstreamError):
    code = "sms_gateway_error"
    message = "短信网关出错"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)


class InvalidNumberError(SmsGatewayError):
    code = "sms_invalid_number"
    status_code = 422
    message = "手机号码格式不正确"


class MessageTooLongError(SmsGatewayError):
    code = "sms_message_too_long"
    status_code = 413
    message = "短信内容过长"


class EmptyMessageError(SmsGatewayError):
    code = "sms_empty_text"
    status_code = 422
    message = "短信内容不能为空"


class NumberSuppressedError(ConflictError):
    code = "sms_number_suppressed"
    message = "该号码已退订营销短信"


class ConsentRequiredError(ConflictError):
    code = "sms_consent_required"
    message = "该号码未同意接收营销短信"


class SmsNotFoundError(NotFoundError):
    code = "sms_not_found"
    message = "短信记录不存在"


class DuplicateTemplateError(ConflictError):
    code = "sms_template_exists"
    message = "模板编码已存在"


class CodeRateLimitedError(RateLimitedError):
    code = "sms_code_rate_limited"
    message = "验证码发送过于频繁，请 {retry_after} 秒后再试"


class CodeInvalidError(CRMError):
    code = "sms_code_invalid"
    status_code = 400
    message = "验证码错误或已过期"


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
