from crm_core.errors import ConflictError, NotFoundError, ValidationError


class ExportKindUnknownError(NotFoundError):
    code = "export_kind_unknown"
    message = "没有这种导出"


class ExportParamsInvalidError(ValidationError):
    code = "export_params_invalid"
    message = "导出条件不正确：{problem}"


class ExportJobNotFoundError(NotFoundError):
    code = "export_job_not_found"
    message = "导出任务不存在或已过期（文件保留 24 小时）"


class ExportNotReadyError(ConflictError):
    code = "export_not_ready"
    message = "文件还在生成中，请稍候"
