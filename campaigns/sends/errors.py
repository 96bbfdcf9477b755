from crm_core.errors import ValidationError


class TemplateUnknownError(ValidationError):
    code = "template_unknown"
    message = "模板消息库中没有这个模板，请先在「模板消息」页同步模板"


class TemplateFieldUnmappedError(ValidationError):
    code = "template_field_unmapped"
    message = "模板字段未填写：{names}"
