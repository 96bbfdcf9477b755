"""The product catalogue: a category tree, products with custom fields, SKUs priced in fen, and
the map from till product codes to SKUs."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model


class SaleStatus(StrEnum):
    ON_SALE = "on_sale"
    OFF_SALE = "off_sale"


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    SELECT = "select"
    BOOL = "bool"


class ProductCategory(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32)
    parent: fields.ForeignKeyNullableRelation["ProductCategory"] = fields.ForeignKeyField(
        "crm_core.ProductCategory", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "catalog_category"
        ordering = ("position", "id")


class CustomField(Model):
    """A product attribute defined for every product (no category) or one category's."""

    id = fields.IntField(primary_key=True)
    # Names the value in Product.custom, so one key means one thing for every product.
    key = fields.CharField(max_length=32, unique=True)
    label = fields.CharField(max_length=32)
    kind = fields.CharEnumField(FieldKind, max_length=16)
    options: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    required = fields.BooleanField(default=False)
    category: fields.ForeignKeyNullableRelation[ProductCategory] = fields.ForeignKeyField(
        "crm_core.ProductCategory", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    category_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "catalog_custom_field"
        ordering = ("id",)


class Product(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    category: fields.ForeignKeyNullableRelation[ProductCategory] = fields.ForeignKeyField(
        "crm_core.ProductCategory", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    category_id: int | None
    unit = fields.CharField(max_length=8, default="件")
    description = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(SaleStatus, max_length=16, default=SaleStatus.ON_SALE)
    custom: dict[str, object] = fields.JSONField(default=dict)  # type: ignore[assignment]
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "catalog_product"
        ordering = ("-id",)


class Sku(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "crm_core.Product", related_name="skus", on_delete=fields.RESTRICT
    )
    product_id: int
    code = fields.CharField(max_length=64, unique=True)
    spec = fields.CharField(max_length=64, default="")
    price_fen = fields.BigIntField()
    status = fields.CharEnumField(SaleStatus, max_length=16, default=SaleStatus.ON_SALE)
    created_at = fields.DatetimeField()

    class Meta:
        table = "catalog_sku"
        ordering = ("id",)
        constraints = (CheckConstraint(check="price_fen >= 0", name="catalog_sku_price_nonneg"),)


class TillCode(Model):
    """A till's product code that is not the SKU's own code (a till code equal to a SKU code
    maps without a row)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    sku: fields.ForeignKeyRelation[Sku] = fields.ForeignKeyField(
        "crm_core.Sku", related_name=False, on_delete=fields.RESTRICT
    )
    sku_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "catalog_till_code"
        ordering = ("code",)
