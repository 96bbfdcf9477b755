"""Approval errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class ApprovalNotFoundError(NotFoundError):
    code = "approval_not_found"
    message = "审批单不存在"


class KindNotFoundError(NotFoundError):
    code = "approval_kind_not_found"
    message = "不支持审批的单据类型"


class ApproverNotFoundError(ConflictError):
    code = "approver_not_found"
    message = "找不到“{step}”的审批人，请先在组织架构中设置，或修改审批流程"


class DelegateNotFoundError(NotFoundError):
    code = "staff_not_found"
    message = "员工不存在"


class StaleDecisionError(ConflictError):
    """Someone decided (or the request changed) since the caller loaded it."""

    code = "approval_stale"
    message = "审批单已被他人处理或已变更，请刷新后重试"


class NotApproverError(ConflictError):
    code = "approval_not_approver"
    message = "当前步骤不由您审批"


class OwnRequestError(ConflictError):
    code = "approval_own_request"
    message = "不能审批自己发起的申请"


class NotRequesterError(ConflictError):
    code = "approval_not_requester"
    message = "只有发起人可以撤回或重新提交"


class WrongStateError(ConflictError):
    code = "approval_wrong_state"
    message = "审批单当前状态为“{status}”，不能{action}"


class AlreadyOpenError(ConflictError):
    code = "approval_already_open"
    message = "该单据已有进行中的审批，请勿重复提交"


class RecordLockedError(ConflictError):
    code = "record_locked"
    message = "该单据正在审批或已审批通过，已锁定，不能修改"


class DelegateInvalidError(ConflictError):
    code = "delegate_invalid"
    message = "不能转交给{who}"


class FlowInvalidError(ValidationError):
    code = "approval_flow_invalid"
    message = "{problem}"


class FlowConflictError(ConflictError):
    code = "approval_flow_conflict"
    message = "审批流程已被他人修改，请刷新后重试"
