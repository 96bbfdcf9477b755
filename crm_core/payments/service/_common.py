"""What the receipt and payment use cases share: the replay of a client-keyed write."""

from typing import TypeVar

from crm_core.payments.errors import IdempotencyKeyReusedError
from crm_core.payments.models import Receipt, SupplierPayment
from crm_core.permissions import Principal

Row = TypeVar("Row", Receipt, SupplierPayment)


async def earlier_write(
    model: type[Row], principal: Principal, key: str, hashed: str
) -> Row | None:
    """The row an earlier request with this key wrote, if any; 409 when that request differed
    or came from someone else (a key is never a way to read another's record)."""
    earlier = await model.get_or_none(idempotency_key=key)
    if earlier is not None and (
        earlier.request_hash != hashed or earlier.created_by_id != principal.staff_id
    ):
        raise IdempotencyKeyReusedError(field="idempotency_key")
    return earlier
