"""Named queries of the catalogue. Products are the brand's: no data scope applies."""

from typing import Any

from tortoise import connections
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from crm_core.catalog import rules
from crm_core.catalog.models import CustomField, Product, ProductCategory, SaleStatus, Sku, TillCode


async def category_parents() -> dict[int, int | None]:
    return dict(await ProductCategory.all().values_list("id", "parent_id"))


async def category_and_below(category_id: int) -> list[int]:
    parents = await category_parents()
    return [c for c in parents if c == category_id or category_id in rules.ancestors(c, parents)]


async def field_defs(category_id: int | None) -> list[rules.FieldDef]:
    """The fields a product of this category carries: the global ones, then its category's and
    its ancestors'."""
    chain: list[int] = []
    if category_id is not None:
        chain = [category_id, *rules.ancestors(category_id, await category_parents())]
    rows = await CustomField.filter(Q(category_id=None) | Q(category_id__in=chain)).order_by("id")
    return [rules.FieldDef(r.key, r.label, r.kind, tuple(r.options), r.required) for r in rows]


async def products(q: str, category_id: int | None, status: SaleStatus | None) -> QuerySet[Product]:
    query = Product.all()
    if q.strip():
        codes = Subquery(Sku.filter(code__icontains=q.strip()).values("product_id"))
        query = query.filter(Q(name__icontains=q.strip()) | Q(id__in=codes))
    if category_id is not None:
        query = query.filter(category_id__in=await category_and_below(category_id))
    if status is not None:
        query = query.filter(status=status)
    return query


async def sku_choices(q: str, limit: int) -> list[Sku]:
    query = Sku.filter(status=SaleStatus.ON_SALE, product__status=SaleStatus.ON_SALE)
    if q.strip():
        text = q.strip()
        query = query.filter(Q(code__icontains=text) | Q(product__name__icontains=text))
    return await query.select_related("product").order_by("code").limit(limit)


async def skus_for_codes(codes: list[str]) -> dict[str, Sku]:
    """Each till code's SKU: its own mapping row first, else the SKU with that very code."""
    mapped = {
        t.code: t.sku for t in await TillCode.filter(code__in=codes).select_related("sku__product")
    }
    direct = await Sku.filter(code__in=[c for c in codes if c not in mapped]).select_related(
        "product"
    )
    return {**mapped, **{s.code: s for s in direct}}


async def unmapped_till_codes(limit: int) -> list[dict[str, Any]]:
    """Product codes the tills sent that no SKU or mapping knows, most used first."""
    rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        """
        SELECT l.product_code AS code, max(l.product_name) AS name,
               count(*) AS line_count, max(o.paid_at) AS last_paid_at
        FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id
        WHERE NOT EXISTS (SELECT 1 FROM catalog_sku s WHERE s.code = l.product_code)
          AND NOT EXISTS (SELECT 1 FROM catalog_till_code t WHERE t.code = l.product_code)
        GROUP BY l.product_code
        ORDER BY count(*) DESC, l.product_code
        LIMIT $1
        """,
        [limit],
    )
    return rows
