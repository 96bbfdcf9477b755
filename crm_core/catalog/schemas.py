"""Pydantic I/O of the catalogue."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm_core.catalog.models import FieldKind, SaleStatus
from crm_core.validation import Id

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^\S+$")
]
Fen = Annotated[int, Field(ge=0, le=10**10)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CategoryCreate(Input):
    name: Name
    parent_id: Id | None = None
    position: int = Field(0, ge=0, le=10_000)


class CategoryUpdate(Input):
    name: Name | None = None
    parent_id: Id | None = None
    move: bool = False
    position: int | None = Field(None, ge=0, le=10_000)


class CategoryRead(BaseModel):
    id: int
    name: str
    parent_id: int | None
    position: int
    product_count: int
    children: list["CategoryRead"] = []


class CustomFieldCreate(Input):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    label: Name
    kind: FieldKind
    options: list[Name] = Field(default_factory=list, max_length=50)
    required: bool = False
    category_id: Id | None = None


class CustomFieldUpdate(Input):
    label: Name | None = None
    options: list[Name] | None = Field(None, max_length=50)
    required: bool | None = None


class CustomFieldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    label: str
    kind: FieldKind
    options: list[str]
    required: bool
    category_id: int | None


class SkuCreate(Input):
    code: Code
    spec: str = Field("", max_length=64)
    price_fen: Fen
    status: SaleStatus = SaleStatus.ON_SALE


class SkuUpdate(Input):
    spec: str | None = Field(None, max_length=64)
    price_fen: Fen | None = None
    status: SaleStatus | None = None


class SkuRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    code: str
    spec: str
    price_fen: int
    status: SaleStatus


class ProductCreate(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    category_id: Id | None = None
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)] = (
        "件"
    )
    description: str = Field("", max_length=500)
    status: SaleStatus = SaleStatus.ON_SALE
    custom: dict[str, Any] = Field(default_factory=dict)
    skus: list[SkuCreate] = Field(min_length=1, max_length=50)


class ProductUpdate(Input):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None
    category_id: Id | None = None
    move: bool = False
    unit: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)] | None
    ) = None
    description: str | None = Field(None, max_length=500)
    status: SaleStatus | None = None
    custom: dict[str, Any] | None = None


class ProductRead(BaseModel):
    id: int
    name: str
    category_id: int | None
    category_name: str
    unit: str
    description: str
    status: SaleStatus
    custom: dict[str, Any]
    skus: list[SkuRead]
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    items: list[ProductRead]
    total: int
    page: int
    page_size: int


class SkuChoice(BaseModel):
    """A SKU as the quote editor's picker shows it."""

    id: int
    code: str
    product_name: str
    spec: str
    unit: str
    price_fen: int


class TillCodeCreate(Input):
    code: Code
    sku_id: Id


class TillCodeRead(BaseModel):
    code: str
    sku_id: int
    sku_code: str
    product_name: str


class UnmappedTillCode(BaseModel):
    code: str
    name: str
    line_count: int
    last_paid_at: datetime
