"""JSON API under /api/v1/catalog: categories, custom fields, products, SKUs, till codes."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

import crm_core.catalog.permissions  # noqa: F401 - registers the catalogue resources
from crm_core.catalog.models import SaleStatus
from crm_core.catalog.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldUpdate,
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
    SkuChoice,
    SkuCreate,
    SkuRead,
    SkuUpdate,
    TillCodeCreate,
    TillCodeRead,
    UnmappedTillCode,
)
from crm_core.catalog.service import categories, products, till_codes
from crm_core.http import require
from crm_core.permissions import Principal
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])
Viewer = Annotated[Principal, Depends(require("catalog.product:view"))]
Creator = Annotated[Principal, Depends(require("catalog.product:create"))]
Editor = Annotated[Principal, Depends(require("catalog.product:edit"))]
SettingsViewer = Annotated[Principal, Depends(require("catalog.setting:view"))]
SettingsEditor = Annotated[Principal, Depends(require("catalog.setting:edit"))]


@router.get("/categories", response_model=list[CategoryRead])
async def category_tree(_: Viewer) -> list[CategoryRead]:
    return await categories.category_tree()


@router.post("/categories", response_model=CategoryRead, status_code=201)
async def create_category(body: CategoryCreate, principal: SettingsEditor) -> CategoryRead:
    return await categories.create_category(principal, body)


@router.patch("/categories/{category_id}", response_model=CategoryRead)
async def update_category(
    category_id: Id, body: CategoryUpdate, principal: SettingsEditor
) -> CategoryRead:
    """move=true with parent_id (null: to the top) moves it; 409 category_cycle under itself."""
    return await categories.update_category(principal, category_id, body)


@router.delete("/categories/{category_id}", status_code=204)
async def delete_category(category_id: Id, principal: SettingsEditor) -> Response:
    """Only an empty category: 409 category_in_use with children, products or fields."""
    await categories.delete_category(principal, category_id)
    return Response(status_code=204)


@router.get("/fields", response_model=list[CustomFieldRead])
async def list_fields(_: Viewer) -> list[CustomFieldRead]:
    return await categories.list_fields()


@router.post("/fields", response_model=CustomFieldRead, status_code=201)
async def create_field(body: CustomFieldCreate, principal: SettingsEditor) -> CustomFieldRead:
    return await categories.create_field(principal, body)


@router.patch("/fields/{field_id}", response_model=CustomFieldRead)
async def update_field(
    field_id: Id, body: CustomFieldUpdate, principal: SettingsEditor
) -> CustomFieldRead:
    return await categories.update_field(principal, field_id, body)


@router.get("/products", response_model=ProductPage)
async def list_products(
    _: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    category_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: SaleStatus | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> ProductPage:
    """A name or SKU code fragment; a category includes its sub-categories."""
    return await products.list_products(q, category_id, status, page=page, page_size=page_size)


@router.post("/products", response_model=ProductRead, status_code=201)
async def create_product(body: ProductCreate, principal: Creator) -> ProductRead:
    return await products.create_product(principal, body)


@router.get("/products/{product_id}", response_model=ProductRead)
async def get_product(product_id: Id, _: Viewer) -> ProductRead:
    return await products.get_product(product_id)


@router.patch("/products/{product_id}", response_model=ProductRead)
async def update_product(product_id: Id, body: ProductUpdate, principal: Editor) -> ProductRead:
    return await products.update_product(principal, product_id, body)


@router.post("/products/{product_id}/skus", response_model=SkuRead, status_code=201)
async def add_sku(product_id: Id, body: SkuCreate, principal: Editor) -> SkuRead:
    return await products.add_sku(principal, product_id, body)


@router.patch("/skus/{sku_id}", response_model=SkuRead)
async def update_sku(sku_id: Id, body: SkuUpdate, principal: Editor) -> SkuRead:
    """The code is fixed: quotes and till mappings name it."""
    return await products.update_sku(principal, sku_id, body)


@router.get("/sku-choices", response_model=list[SkuChoice])
async def sku_choices(_: Viewer, q: Annotated[str, Query(max_length=64)] = "") -> list[SkuChoice]:
    return await products.sku_choices(q)


@router.get("/till-codes", response_model=list[TillCodeRead])
async def list_till_codes(_: SettingsViewer) -> list[TillCodeRead]:
    return await till_codes.list_till_codes()


@router.post("/till-codes", response_model=TillCodeRead, status_code=201)
async def map_till_code(body: TillCodeCreate, principal: SettingsEditor) -> TillCodeRead:
    return await till_codes.map_till_code(principal, body)


@router.get("/till-codes/unmapped", response_model=list[UnmappedTillCode])
async def unmapped_till_codes(_: SettingsViewer) -> list[UnmappedTillCode]:
    """Product codes in till orders that no SKU or mapping knows, most used first."""
    return await till_codes.unmapped_till_codes()


@router.get("/till-codes/lookup", response_model=dict[str, SkuChoice])
async def lookup_till_codes(
    _: Viewer,
    code: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006
) -> dict[str, SkuChoice]:
    """The SKU behind each till product code given (?code=A&code=B); unknown codes are absent."""
    return await till_codes.skus_for_till_codes(code)
