"""Loyalty errors: each a stable code and a Chinese message; 409s leave nothing changed."""

from crm_core.errors import ConflictError, NotFoundError


class LoyaltyMemberNotFoundError(NotFoundError):
    code = "member_not_found"
    message = "会员不存在"


class InsufficientPointsError(ConflictError):
    code = "insufficient_points"
    message = "积分不足：当前可用 {balance}，需要 {requested}"


class DuplicateRequestError(ConflictError):
    code = "duplicate_request"
    message = "该请求已处理过（幂等键重复），未重复执行"


class IdempotencyKeyConflictError(ConflictError):
    code = "idempotency_key_conflict"
    message = "幂等键已用于另一笔不同的请求"


class SoldOutError(ConflictError):
    code = "sold_out"
    message = "{name}已抢光"


class LimitReachedError(ConflictError):
    code = "limit_reached"
    message = "已达到每人限额（{limit}）"


class NotAvailableError(ConflictError):
    code = "not_available"
    message = "{name}当前不可用（未开始、已结束或已停用）"


class TierNotFoundError(NotFoundError):
    code = "tier_not_found"
    message = "会员等级不存在"


class DuplicateTierError(ConflictError):
    code = "duplicate_tier"
    message = "等级编码或级别序号已存在"
