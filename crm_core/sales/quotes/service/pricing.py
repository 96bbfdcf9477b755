"""Lines priced from the catalogue, shared by quotes and contracts: each line copies its SKU's
facts (code, name, spec, unit) and price unless one is given, then the subtotal and total."""

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from crm_core.catalog.service import products
from crm_core.errors import CRMError
from crm_core.sales.quotes import rules

L = TypeVar("L")


class LineIn(Protocol):
    sku_id: int
    quantity: int
    unit_price_fen: int | None
    discount_bp: int


async def price_lines(
    given: Sequence[LineIn],
    discount_fen: int,
    make: Callable[..., L],
    unavailable: Callable[..., CRMError],
    too_large: Callable[..., CRMError],
) -> tuple[list[L], int, int]:
    """The lines as `make(**facts)`, the subtotal and the total. `unavailable(row, field)` is
    raised for a SKU not on sale, `too_large(subtotal, field)` for a discount above it."""
    lines: list[L] = []
    figures: list[tuple[int, int, int]] = []
    for row, line in enumerate(given):
        sku = await products.sku_on_sale(line.sku_id)
        if sku is None:
            raise unavailable(row=row + 1, field=f"lines.{row}.sku_id")
        price = sku.price_fen if line.unit_price_fen is None else line.unit_price_fen
        facts: dict[str, Any] = {
            "sku_id": sku.id,
            "sku_code": sku.code,
            "product_name": sku.product_name,
            "spec": sku.spec,
            "unit": sku.unit,
            "quantity": line.quantity,
            "unit_price_fen": price,
            "discount_bp": line.discount_bp,
            "amount_fen": rules.line_amount(line.quantity, price, line.discount_bp),
        }
        lines.append(make(**facts))
        figures.append((line.quantity, price, line.discount_bp))
    try:
        subtotal, total = rules.totals(figures, discount_fen)
    except ValueError:
        subtotal = sum(rules.line_amount(*f) for f in figures)
        raise too_large(subtotal=rules.yuan(subtotal), field="discount_fen") from None
    return lines, subtotal, total
