"""Big-wheel errors."""

from crm_core.errors import ConflictError, NotFoundError


class ActivityNotFoundError(NotFoundError):
    code = "lottery_not_found"
    message = "抽奖活动不存在"


class AwardNotFoundError(NotFoundError):
    code = "award_not_found"
    message = "中奖记录不存在"


class NoDrawsLeftError(ConflictError):
    code = "draw_limit_reached"
    message = "{why}"


class NoPrizesError(ConflictError):
    code = "lottery_not_configured"
    message = "该活动尚未配置奖品"


class AwardStateError(ConflictError):
    code = "award_wrong_state"
    message = "中奖记录当前状态不允许此操作"
