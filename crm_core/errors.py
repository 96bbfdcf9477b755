"""Domain errors. Each has an HTTP status and a stable snake_case code; one handler renders them."""

from typing import Any, ClassVar


class CRMError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "请求无效"

    def __init__(self, detail: str | None = None, **context: Any) -> None:
        self.detail = detail or self.message.format(**context)
        self.context = context
        super().__init__(self.detail)


class ValidationError(CRMError):
    status_code = 422
    code = "validation_error"
    message = "提交的数据格式不正确"


class NotAuthenticatedError(CRMError):
    status_code = 401
    code = "not_authenticated"
    message = "请先登录"


class InvalidCredentialsError(CRMError):
    status_code = 401
    code = "invalid_credentials"
    message = "用户名或密码错误"


class PermissionDeniedError(CRMError):
    status_code = 403
    code = "permission_denied"
    message = "没有执行此操作的权限"


class CSRFError(CRMError):
    status_code = 403
    code = "csrf_failed"
    message = "页面已过期或来源不可信，请刷新后重试"


class NotFoundError(CRMError):
    status_code = 404
    code = "not_found"
    message = "对象不存在"


class ConflictError(CRMError):
    status_code = 409
    code = "conflict"
    message = "与现有数据冲突"


class PayloadTooLargeError(CRMError):
    status_code = 413
    code = "payload_too_large"
    message = "请求体过大"


class RateLimitedError(CRMError):
    status_code = 429
    code = "rate_limited"
    message = "操作过于频繁，请 {retry_after} 秒后再试"

    def __init__(self, detail: str | None = None, *, retry_after: int, **context: Any) -> None:
        self.retry_after = retry_after
        super().__init__(detail, retry_after=retry_after, **context)


class UpstreamError(CRMError):
    status_code = 502
    code = "upstream_error"
    message = "上游服务出错"


class InvalidCharacterError(ValidationError):
    code = "invalid_character"
    message = "提交的内容含有不允许的字符（NUL）"
