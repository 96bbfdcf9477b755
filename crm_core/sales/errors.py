"""Sales errors."""

from crm_core.errors import ConflictError, NotFoundError


class OrderNotFoundError(NotFoundError):
    code = "order_not_found"
    message = "订单不存在"


class MemberNotFoundError(NotFoundError):
    code = "member_not_found"
    message = "会员不存在"


class DuplicateOrderError(ConflictError):
    code = "duplicate_order"
    message = "该门店已存在订单号 {order_no}，且内容不同"


class DuplicateRefundError(ConflictError):
    code = "duplicate_refund"
    message = "该订单已存在退款单号 {refund_no}，且内容不同"


class RefundExceedsOrderError(ConflictError):
    code = "refund_exceeds_order"
    message = "退款金额超过订单可退金额（可退 {refundable} 分）"
