"""Lead errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError


class LeadNotFoundError(NotFoundError):
    code = "lead_not_found"
    message = "线索不存在"


class LeadConvertedError(ConflictError):
    code = "lead_converted"
    message = "线索已转化为客户，不能再{action}"


class LeadStatusError(ConflictError):
    code = "lead_status_invalid"
    message = "已转化的状态只能通过“转化”操作设置"
