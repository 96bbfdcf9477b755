"""Errors of mass campaigns."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class CampaignNotFoundError(NotFoundError):
    code = "campaign_not_found"
    message = "活动不存在"


class CampaignContentInvalidError(ValidationError):
    code = "campaign_content_invalid"
    message = "活动内容无效"


class CampaignSegmentEmptyError(ValidationError):
    code = "campaign_segment_empty"
    message = "所选人群当前没有会员，无法发送"


class CampaignSegmentNotFoundError(ValidationError):
    code = "campaign_segment_not_found"
    message = "所选人群不存在"


class CampaignSchedulePastError(ValidationError):
    code = "campaign_schedule_past"
    message = "定时发送的时间必须晚于现在"


class CampaignNotStartableError(ConflictError):
    code = "campaign_not_startable"
    message = "活动已开始或已结束，不能再次发送"


class CampaignNotEditableError(ConflictError):
    code = "campaign_not_editable"
    message = "活动已开始，不能修改"


class CampaignNotCancellableError(ConflictError):
    code = "campaign_not_cancellable"
    message = "活动已结束，无法取消"


class CampaignPreviewFanNotFoundError(ValidationError):
    code = "campaign_preview_fan_not_found"
    message = "找不到这个预览粉丝（openid 或会员）"
