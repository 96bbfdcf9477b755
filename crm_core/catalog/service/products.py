"""Products and their SKUs. A SKU code is unique in the database, so two concurrent uses of
one code end as one SKU and one 409."""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.catalog import repository, rules
from crm_core.catalog.errors import (
    CustomValueInvalidError,
    ProductNotFoundError,
    SkuCodeTakenError,
    SkuNotFoundError,
)
from crm_core.catalog.models import Product, ProductCategory, SaleStatus, Sku
from crm_core.catalog.schemas import (
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
    SkuChoice,
    SkuCreate,
    SkuRead,
    SkuUpdate,
)
from crm_core.catalog.service.categories import get_category
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


async def _custom(category_id: int | None, values: dict[str, object]) -> dict[str, object]:
    try:
        return rules.clean_custom(await repository.field_defs(category_id), values)
    except rules.CustomValueError as error:
        raise CustomValueInvalidError(problem=error.message, field=f"custom.{error.key}") from None


async def _read_many(products: list[Product]) -> list[ProductRead]:
    ids = [p.id for p in products]
    skus: dict[int, list[SkuRead]] = {}
    for sku in await Sku.filter(product_id__in=ids).order_by("id"):
        skus.setdefault(sku.product_id, []).append(SkuRead.model_validate(sku))
    category_ids = {p.category_id for p in products if p.category_id}
    names = dict(await ProductCategory.filter(id__in=category_ids).values_list("id", "name"))
    return [
        ProductRead(
            id=p.id,
            name=p.name,
            category_id=p.category_id,
            category_name=names.get(p.category_id, "") if p.category_id else "",
            unit=p.unit,
            description=p.description,
            status=p.status,
            custom=dict(p.custom),
            skus=skus.get(p.id, []),
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in products
    ]


async def list_products(
    q: str, category_id: int | None, status: SaleStatus | None, *, page: int, page_size: int
) -> ProductPage:
    query = await repository.products(q, category_id, status)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return ProductPage(items=await _read_many(rows), total=total, page=page, page_size=page_size)


async def _product(product_id: int) -> Product:
    product = await Product.get_or_none(id=product_id)
    if product is None:
        raise ProductNotFoundError()
    return product


async def get_product(product_id: int) -> ProductRead:
    return (await _read_many([await _product(product_id)]))[0]


def _audit_view(product: Product) -> dict[str, object]:
    return {
        "name": product.name,
        "category_id": product.category_id,
        "unit": product.unit,
        "status": product.status.value,
        "custom": dict(product.custom),
    }


async def _create_skus(product_id: int, skus: list[SkuCreate]) -> list[Sku]:
    codes = [s.code for s in skus]
    for index, code in enumerate(codes):
        if code in codes[:index] or await Sku.exists(code=code):
            raise SkuCodeTakenError(code=code, field=f"skus.{index}.code")
    now = clock.utc_now()
    created = []
    for index, sku in enumerate(skus):
        try:
            async with unit_of_work():
                created.append(
                    await Sku.create(product_id=product_id, created_at=now, **sku.model_dump())
                )
        except IntegrityError:
            raise SkuCodeTakenError(code=sku.code, field=f"skus.{index}.code") from None
    return created


async def create_product(principal: Principal, data: ProductCreate) -> ProductRead:
    if data.category_id is not None:
        await get_category(data.category_id)
    custom = await _custom(data.category_id, data.custom)
    now = clock.utc_now()
    async with unit_of_work():
        product = await Product.create(
            **data.model_dump(exclude={"skus", "custom"}),
            custom=custom,
            created_at=now,
            updated_at=now,
        )
        skus = await _create_skus(product.id, data.skus)
        await audit.record(
            actor_of(principal),
            "catalog.product_created",
            target_type="catalog_product",
            target_id=product.id,
            after={**_audit_view(product), "skus": [s.code for s in skus]},
        )
    return await get_product(product.id)


async def update_product(principal: Principal, product_id: int, data: ProductUpdate) -> ProductRead:
    async with unit_of_work():
        product = await Product.select_for_update().get_or_none(id=product_id)
        if product is None:
            raise ProductNotFoundError()
        before = _audit_view(product)
        category_id = data.category_id if data.move else product.category_id
        if data.move and category_id is not None:
            await get_category(category_id)
        values = data.model_dump(exclude_none=True, exclude={"move", "category_id", "custom"})
        # A new category may bring required fields: the values are checked against it.
        custom = data.custom if data.custom is not None else dict(product.custom)
        product.custom = await _custom(category_id, custom)
        product.category_id = category_id  # type: ignore[assignment]
        product.update_from_dict(values)
        product.updated_at = clock.utc_now()
        await product.save()
        after = _audit_view(product)
        changed = audit.changes(before, after)
        await audit.record(
            actor_of(principal),
            "catalog.product_updated",
            target_type="catalog_product",
            target_id=product.id,
            before=changed[0],
            after=changed[1],
        )
    return await get_product(product.id)


async def add_sku(principal: Principal, product_id: int, data: SkuCreate) -> SkuRead:
    async with unit_of_work():
        product = await _product(product_id)
        [sku] = await _create_skus(product.id, [data])
        await audit.record(
            actor_of(principal),
            "catalog.sku_created",
            target_type="catalog_sku",
            target_id=sku.id,
            after=data.model_dump(mode="json"),
        )
    return SkuRead.model_validate(sku)


async def update_sku(principal: Principal, sku_id: int, data: SkuUpdate) -> SkuRead:
    async with unit_of_work():
        sku = await Sku.select_for_update().get_or_none(id=sku_id)
        if sku is None:
            raise SkuNotFoundError()
        changes = data.model_dump(exclude_none=True)
        before = {k: getattr(sku, k) for k in changes}
        sku.update_from_dict(changes)
        await sku.save()
        await audit.record(
            actor_of(principal),
            "catalog.sku_updated",
            target_type="catalog_sku",
            target_id=sku.id,
            before=before,
            after=changes,
        )
    return SkuRead.model_validate(sku)


def choice(sku: Sku) -> SkuChoice:
    return SkuChoice(
        id=sku.id,
        code=sku.code,
        product_name=sku.product.name,
        spec=sku.spec,
        unit=sku.product.unit,
        price_fen=sku.price_fen,
    )


async def sku_choices(q: str, limit: int = 20) -> list[SkuChoice]:
    """On-sale SKUs of on-sale products, for the quote editor's picker."""
    return [choice(s) for s in await repository.sku_choices(q, limit)]


async def sku_on_sale(sku_id: int) -> SkuChoice | None:
    sku = await Sku.get_or_none(id=sku_id).select_related("product")
    if sku is None or SaleStatus.OFF_SALE in (sku.status, sku.product.status):
        return None
    return choice(sku)
