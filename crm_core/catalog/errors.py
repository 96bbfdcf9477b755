"""Catalogue errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError, ValidationError


class CategoryNotFoundError(NotFoundError):
    code = "category_not_found"
    message = "产品分类不存在"


class ProductNotFoundError(NotFoundError):
    code = "product_not_found"
    message = "产品不存在"


class SkuNotFoundError(NotFoundError):
    code = "sku_not_found"
    message = "SKU 不存在"


class CustomFieldNotFoundError(NotFoundError):
    code = "custom_field_not_found"
    message = "自定义字段不存在"


class CategoryCycleError(ConflictError):
    code = "category_cycle"
    message = "不能把分类移到它自己或它的下级分类之下"


class CategoryInUseError(ConflictError):
    code = "category_in_use"
    message = "分类下还有子分类、产品或自定义字段，不能删除"


class CategoryDuplicateError(ConflictError):
    code = "category_duplicate"
    message = "同级已有名为「{name}」的分类"


class SkuCodeTakenError(ConflictError):
    code = "sku_code_taken"
    message = "SKU 编码 {code} 已被使用"


class FieldKeyTakenError(ConflictError):
    code = "custom_field_key_taken"
    message = "字段标识 {key} 已被使用"


class TillCodeTakenError(ConflictError):
    code = "till_code_taken"
    message = "收银编码 {code} 已对应其他 SKU"


class CustomValueInvalidError(ValidationError):
    code = "custom_value_invalid"
    message = "{problem}"


class FieldOptionsInvalidError(ValidationError):
    code = "custom_field_options_invalid"
    message = "下拉字段须有 1–50 个不重复的选项，其他类型不能有选项"
