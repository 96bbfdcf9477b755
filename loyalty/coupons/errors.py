"""Coupon errors."""

from crm_core.errors import ConflictError, NotFoundError


class TemplateNotFoundError(NotFoundError):
    code = "coupon_template_not_found"
    message = "优惠券模板不存在"


class CouponNotFoundError(NotFoundError):
    code = "coupon_not_found"
    message = "券码无效"


class CouponUsedError(ConflictError):
    code = "coupon_used"
    message = "该券已于 {used_at} 核销，不能重复使用"


class CouponExpiredError(ConflictError):
    code = "coupon_expired"
    message = "该券已过期"


class CouponNotStartedError(ConflictError):
    code = "coupon_not_started"
    message = "该券尚未到可用时间"


class CouponStoreError(ConflictError):
    code = "coupon_store_not_applicable"
    message = "该券不适用于本门店"


class CouponThresholdError(ConflictError):
    code = "coupon_threshold_not_met"
    message = "订单金额未达到使用门槛（满 {threshold} 元可用）"
