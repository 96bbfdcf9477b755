from crm_core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError


class DepartmentNotEmptyError(ConflictError):
    code = "department_not_empty"
    message = "部门下还有子部门、员工或门店，不能删除"


class DepartmentCycleError(ConflictError):
    code = "department_cycle"
    message = "不能把部门移动到它自己或它的下级部门下面"


class DuplicateNameError(ConflictError):
    code = "duplicate_name"
    message = "同级下已有同名的{kind}"


class DuplicateUsernameError(ConflictError):
    code = "duplicate_username"
    message = "登录名“{username}”已被使用"


class DuplicateStoreCodeError(ConflictError):
    code = "duplicate_store_code"
    message = "门店编码“{code}”已存在"


class DuplicateRoleCodeError(ConflictError):
    code = "duplicate_role_code"
    message = "角色编码“{code}”已存在"


class LastAdministratorError(ConflictError):
    code = "last_administrator"
    message = "这是最后一个可用的系统管理员账号，不能停用或撤销其管理员角色"


class BuiltinRoleError(ConflictError):
    code = "builtin_role"
    message = "内置角色不能删除，系统管理员角色的权限不能修改"


class RoleInUseError(ConflictError):
    code = "role_in_use"
    message = "还有 {count} 名员工使用该角色，请先调整他们的角色"


class StoreHasStaffError(ConflictError):
    code = "store_has_staff"
    message = "门店下还有 {count} 名员工，请先调离后再删除"


class UnknownPermissionError(ValidationError):
    code = "unknown_permission"
    message = "未知的权限：{permission}"


class WeakPasswordError(ValidationError):
    code = "weak_password"
    message = "密码至少 8 位，且须同时包含字母和数字"


class DepartmentNotFoundError(NotFoundError):
    code = "department_not_found"
    message = "部门不存在"


class StaffNotFoundError(NotFoundError):
    code = "staff_not_found"
    message = "员工不存在"


class StoreNotFoundError(NotFoundError):
    code = "store_not_found"
    message = "门店不存在"


class RoleNotFoundError(NotFoundError):
    code = "role_not_found"
    message = "角色不存在"


class PositionNotFoundError(NotFoundError):
    code = "position_not_found"
    message = "岗位不存在"


class StaffOutranksYouError(PermissionDeniedError):
    code = "staff_outranks_you"
    message = "该员工的权限高于您（更多权限或更大的数据范围），不能由您管理"


class AccountDisabledError(ConflictError):
    status_code = 401
    code = "account_disabled"
    message = "账号已停用，请联系管理员"
