"""B2B order and delivery note errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class OrderNotFoundError(NotFoundError):
    code = "order_not_found"
    message = "订单不存在"


class OrderContractNotOrderableError(ConflictError):
    code = "order_contract_not_orderable"
    message = "合同当前状态为「{status}」，审批通过或已签约的合同才能创建订单"


class OrderLineInvalidError(ValidationError):
    code = "order_line_invalid"
    message = "第 {row} 行不是该合同的产品，或重复选择"


class OrderExceedsContractError(ConflictError):
    code = "order_exceeds_contract"
    message = "第 {row} 行「{product}」超出合同剩余数量（剩余 {remaining}）"


class OrderNotDeliverableError(ConflictError):
    code = "order_not_deliverable"
    message = "订单当前状态为「{status}」，不能发货"


class DeliveryLineInvalidError(ValidationError):
    code = "delivery_line_invalid"
    message = "第 {row} 行不是该订单的产品，或重复选择"


class DeliveryExceedsOrderError(ConflictError):
    code = "delivery_exceeds_order"
    message = "第 {row} 行「{product}」发货数量超出未发数量（未发 {remaining}）"


class OrderNotReviewableError(ConflictError):
    code = "order_not_reviewable"
    message = "订单当前状态为「{status}」，不能提交审核"
