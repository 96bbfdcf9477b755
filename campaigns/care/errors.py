from crm_core.errors import NotFoundError, ValidationError


class CareSettingInvalidError(ValidationError):
    code = "care_setting_invalid"
    message = "关怀消息设置无效"


class FestivalNotFoundError(NotFoundError):
    code = "festival_not_found"
    message = "节日不存在"


class CareMemberNotFoundError(NotFoundError):
    code = "care_member_not_found"
    message = "会员不存在"
