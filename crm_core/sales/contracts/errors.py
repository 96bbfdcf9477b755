"""Contract errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class ContractNotFoundError(NotFoundError):
    code = "contract_not_found"
    message = "合同不存在"


class ContractAttachmentNotFoundError(NotFoundError):
    code = "contract_attachment_not_found"
    message = "附件不存在"


class ContractSkuUnavailableError(ConflictError):
    code = "contract_sku_unavailable"
    message = "第 {row} 行的 SKU 不存在或已下架"


class ContractDiscountTooLargeError(ValidationError):
    code = "contract_discount_too_large"
    message = "整单优惠不能超过小计 {subtotal} 元"


class ContractPeriodInvalidError(ValidationError):
    code = "contract_period_invalid"
    message = "结束日期不能早于开始日期"


class ContractLinkInvalidError(ValidationError):
    code = "contract_link_invalid"
    message = "{what}不属于该客户"


class ContractNotEditableError(ConflictError):
    code = "contract_not_editable"
    message = "只有草稿状态的合同可以修改"


class ContractStatusMoveError(ConflictError):
    code = "contract_status_invalid"
    message = "合同不能从「{current}」改为「{target}」"


class ContractQuoteNotUsableError(ConflictError):
    code = "contract_quote_not_usable"
    message = "只有已发送或已接受的报价单可以生成合同"
