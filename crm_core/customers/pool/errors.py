"""Public pool errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError


class PoolCustomerNotFoundError(NotFoundError):
    code = "pool_customer_not_found"
    message = "公海中没有这个客户"


class PoolCustomerTakenError(ConflictError):
    code = "pool_customer_taken"
    message = "客户（编号 {customer_id}）已被领取或已不在公海中"


class PoolBatchTooLargeError(ConflictError):
    code = "pool_batch_too_large"
    message = "一次最多领取 {limit} 个客户"


class PoolQuotaExceededError(ConflictError):
    code = "pool_quota_exceeded"
    message = "今日领取已达上限：每天最多 {quota} 个，今天还可领取 {left} 个"


class PoolCooldownError(ConflictError):
    code = "pool_cooldown"
    message = "{name} 从您名下掉入公海不满 {days} 天，{until} 之后才能再次领取"
