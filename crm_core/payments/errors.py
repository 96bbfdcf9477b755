"""Payment errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, PayloadTooLargeError, ValidationError


class AccountNotFoundError(NotFoundError):
    code = "fund_account_not_found"
    message = "资金账户不存在"


class AccountNameTakenError(ConflictError):
    code = "fund_account_name_taken"
    message = "已有同名的资金账户"


class AccountDisabledError(ConflictError):
    code = "fund_account_disabled"
    message = "资金账户「{name}」已停用"


class InsufficientFundsError(ConflictError):
    code = "fund_insufficient"
    message = "账户「{name}」余额 {balance} 元，不足以支出 {amount} 元"


class SameAccountError(ValidationError):
    code = "fund_transfer_same_account"
    message = "转出和转入不能是同一个账户"


class IdempotencyKeyReusedError(ConflictError):
    code = "idempotency_key_reused"
    message = "该幂等键已用于另一笔不同的请求"


class EntryNotFoundError(NotFoundError):
    code = "journal_entry_not_found"
    message = "日记账分录不存在"


class EntryNotReversibleError(ConflictError):
    code = "journal_entry_not_reversible"
    message = "该分录不能冲销（期初分录、冲销分录或已被冲销）"


class ReceiptNotFoundError(NotFoundError):
    code = "receipt_not_found"
    message = "回款记录不存在"


class ReceiptNotPendingError(ConflictError):
    code = "receipt_not_pending"
    message = "只有待审核的回款可以确认或驳回"


class SupplierNotFoundError(NotFoundError):
    code = "supplier_not_found"
    message = "供应商不存在"


class SupplierNameTakenError(ConflictError):
    code = "supplier_name_taken"
    message = "已有同名的供应商"


class SupplierDisabledError(ConflictError):
    code = "supplier_disabled"
    message = "供应商已停用"


class PaymentNotFoundError(NotFoundError):
    code = "supplier_payment_not_found"
    message = "付款单不存在"


class PaymentNotApprovedError(ConflictError):
    code = "supplier_payment_not_approved"
    message = "付款单须审批通过且尚未付款才能付款"


class ProofNotFoundError(NotFoundError):
    code = "proof_not_found"
    message = "凭证不存在或已被使用"


class ProofTypeError(ValidationError):
    code = "proof_type_invalid"
    message = "凭证须为 JPG、PNG 图片或 PDF 文件"


class ProofTooLargeError(PayloadTooLargeError):
    code = "proof_too_large"
    message = "凭证不能超过 {limit} MB"


class PeriodInvalidError(ValidationError):
    code = "period_invalid"
    message = "结束日期不能早于开始日期，且期间不超过 366 天"


class AdjustmentZeroError(ValidationError):
    code = "adjustment_zero"
    message = "调整金额不能为 0"


class SelfReviewError(ConflictError):
    code = "receipt_self_review"
    message = "不能审核自己登记的回款"


class EntryBeforeOpeningError(ValidationError):
    code = "entry_before_opening"
    message = "日期不能早于账户「{name}」的启用日期 {opened_on}"


class PlanExceedsContractError(ValidationError):
    code = "plan_exceeds_contract"
    message = "各期金额合计 {planned} 元超过合同金额 {amount} 元"


class InstalmentNotFoundError(NotFoundError):
    code = "instalment_not_found"
    message = "回款计划的这一期不存在"


class InstalmentHasReceiptsError(ConflictError):
    code = "instalment_has_receipts"
    message = "这一期已登记回款，不能修改或删除"


class PlanNotEditableError(ConflictError):
    code = "plan_not_editable"
    message = "已作废或已完成的合同不能修改回款计划"


class ReceiptContractMismatchError(ValidationError):
    code = "receipt_contract_mismatch"
    message = "合同不属于该客户"


class ReceiptPlanWithoutContractError(ValidationError):
    code = "receipt_plan_without_contract"
    message = "登记到回款计划的某一期时须同时选择合同"


class ReceiptContractClosedError(ConflictError):
    code = "receipt_contract_void"
    message = "已作废的合同不能登记回款"


class PaymentExceedsContractError(ConflictError):
    code = "payment_exceeds_contract"
    message = "回款 {amount} 元超过合同尚未回款的 {remaining} 元"
