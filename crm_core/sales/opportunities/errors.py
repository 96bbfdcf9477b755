"""Opportunity errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class OpportunityNotFoundError(NotFoundError):
    code = "opportunity_not_found"
    message = "商机不存在"


class StageNotFoundError(NotFoundError):
    code = "stage_not_found"
    message = "商机阶段不存在"


class LostReasonNotFoundError(NotFoundError):
    code = "lost_reason_not_found"
    message = "输单原因不存在或已停用"


class OwnerNotFoundError(NotFoundError):
    code = "staff_not_found"
    message = "员工不存在"


class OwnerNotEligibleError(ConflictError):
    code = "owner_not_eligible"
    message = "{name} 已停用或没有相应权限，不能做负责人"


class OpportunityClosedError(ConflictError):
    code = "opportunity_closed"
    message = "商机已{outcome}，不能再修改"


class StageInUseError(ConflictError):
    code = "stage_in_use"
    message = "还有 {count} 个商机使用阶段“{name}”，不能删除"


class StageNameTakenError(ConflictError):
    code = "stage_name_taken"
    message = "已有名为“{name}”的阶段"


class LostReasonNameTakenError(ConflictError):
    code = "lost_reason_name_taken"
    message = "已有输单原因“{name}”"


class StageMissingError(ConflictError):
    code = "stage_missing"
    message = "没有配置{kind}阶段，请管理员先在商机阶段设置中添加"


class LostReasonRequiredError(ValidationError):
    code = "lost_reason_required"
    message = "输单须选择输单原因"


class StageClosingError(ValidationError):
    code = "stage_closing"
    message = "赢单、输单阶段请用“赢单”“输单”操作"
