"""Catalogue rows for tests: categories, products with SKUs."""

from crm_core import clock
from crm_core.catalog.models import Product, ProductCategory, SaleStatus, Sku


async def make_category(name: str, parent: ProductCategory | None = None) -> ProductCategory:
    return await ProductCategory.create(name=name, parent=parent, created_at=clock.utc_now())


async def make_sku(
    name: str,
    code: str,
    price_fen: int,
    *,
    spec: str = "",
    unit: str = "件",
    status: SaleStatus = SaleStatus.ON_SALE,
    category: ProductCategory | None = None,
) -> Sku:
    now = clock.utc_now()
    product = await Product.create(
        name=name, unit=unit, category=category, created_at=now, updated_at=now
    )
    return await Sku.create(
        product=product, code=code, spec=spec, price_fen=price_fen, status=status, created_at=now
    )
