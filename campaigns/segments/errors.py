"""Errors of segments."""

from crm_core.errors import ConflictError, NotFoundError


class SegmentNotFoundError(NotFoundError):
    code = "segment_not_found"
    message = "人群不存在"


class SegmentNameTakenError(ConflictError):
    code = "segment_name_taken"
    message = "已有同名人群：{name}"
