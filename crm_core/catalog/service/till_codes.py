"""Till product codes → catalogue SKUs: the lookup the till's orders use, the map admins keep,
and the report of codes the tills sent that nothing maps yet."""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.catalog import repository
from crm_core.catalog.errors import SkuNotFoundError, TillCodeTakenError
from crm_core.catalog.models import Sku, TillCode
from crm_core.catalog.schemas import SkuChoice, TillCodeCreate, TillCodeRead, UnmappedTillCode
from crm_core.catalog.service.products import choice
from crm_core.db import unit_of_work
from crm_core.permissions import Principal


async def skus_for_till_codes(codes: list[str]) -> dict[str, SkuChoice]:
    """The SKU behind each till product code that maps (codes that don't are left out)."""
    found = await repository.skus_for_codes(sorted(set(codes)))
    return {code: choice(sku) for code, sku in found.items()}


async def list_till_codes() -> list[TillCodeRead]:
    rows = await TillCode.all().select_related("sku__product").order_by("code")
    return [
        TillCodeRead(
            code=r.code, sku_id=r.sku_id, sku_code=r.sku.code, product_name=r.sku.product.name
        )
        for r in rows
    ]


async def map_till_code(principal: Principal, data: TillCodeCreate) -> TillCodeRead:
    sku = await Sku.get_or_none(id=data.sku_id).select_related("product")
    if sku is None:
        raise SkuNotFoundError()
    # A SKU's own code already maps to it; mapping it elsewhere would make one code mean two.
    if await TillCode.exists(code=data.code) or (
        data.code != sku.code and await Sku.exists(code=data.code)
    ):
        raise TillCodeTakenError(code=data.code, field="code")
    try:
        async with unit_of_work():
            await TillCode.create(code=data.code, sku_id=sku.id, created_at=clock.utc_now())
            await audit.record(
                actor_of(principal),
                "catalog.till_code_mapped",
                target_type="catalog_till_code",
                target_id=data.code,
                after={"code": data.code, "sku_id": sku.id, "sku_code": sku.code},
            )
    except IntegrityError:
        raise TillCodeTakenError(code=data.code, field="code") from None
    return TillCodeRead(
        code=data.code, sku_id=sku.id, sku_code=sku.code, product_name=sku.product.name
    )


async def unmapped_till_codes(limit: int = 200) -> list[UnmappedTillCode]:
    return [UnmappedTillCode(**row) for row in await repository.unmapped_till_codes(limit)]
