"""Customer errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, PayloadTooLargeError, ValidationError


class CustomerNotFoundError(NotFoundError):
    code = "customer_not_found"
    message = "客户不存在"


class ContactNotFoundError(NotFoundError):
    code = "contact_not_found"
    message = "联系人不存在"


class OwnerNotFoundError(NotFoundError):
    code = "staff_not_found"
    message = "员工不存在"


class CustomerDuplicateError(ConflictError):
    """Names the existing customer as the caller may see it (phone masked unless theirs)."""

    code = "customer_duplicate"
    message = "客户已存在：{name}（{phone}），负责人：{owner}"


class OwnerNotEligibleError(ConflictError):
    code = "owner_not_eligible"
    message = "{name} 已停用或没有客户权限，不能负责客户"


class InvalidPhoneError(ValidationError):
    code = "phone_invalid"
    message = "不是有效的电话号码（手机号 11 位，座机请带区号，境外号码以 + 和国家码开头）"


class ImportTooLargeError(PayloadTooLargeError):
    code = "import_too_large"
    message = "导入文件过大：最多 {max_rows} 行、{max_mb} MB，请拆分后分批导入"


class ImportFileInvalidError(ValidationError):
    code = "import_file_invalid"
    message = "无法读取导入文件：{problem}"


class CustomerInPoolError(ConflictError):
    """A customer in the public pool is read-only until someone claims it."""

    code = "customer_in_pool"
    message = "客户在公海中，领取或分配后才能编辑"


class CreditLimitRequiredError(ValidationError):
    code = "credit_limit_required"
    message = "请填写申请的信用额度（大于 0 元）"
