"""Quote errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class QuoteNotFoundError(NotFoundError):
    code = "quote_not_found"
    message = "报价单不存在"


class QuoteSkuUnavailableError(ConflictError):
    code = "quote_sku_unavailable"
    message = "第 {row} 行的 SKU 不存在或已下架"


class QuoteDiscountTooLargeError(ValidationError):
    code = "quote_discount_too_large"
    message = "整单优惠不能超过小计 {subtotal} 元"


class QuoteNotEditableError(ConflictError):
    code = "quote_not_editable"
    message = "只有草稿状态的报价单可以修改"


class QuoteStatusMoveError(ConflictError):
    code = "quote_status_invalid"
    message = "报价单不能从「{current}」改为「{target}」"


class QuoteExpiredError(ConflictError):
    code = "quote_expired"
    message = "报价单已过有效期（{valid_until}），不能再发送或接受"


class QuoteValidityPastError(ValidationError):
    code = "quote_validity_past"
    message = "有效期不能早于今天"


class TemplateColumnsInvalidError(ValidationError):
    code = "quote_template_columns_invalid"
    message = "列不能重复，且须包含产品名称、数量和金额"
