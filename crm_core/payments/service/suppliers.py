"""Suppliers (供应商): a plain company-wide list; disabled ones take no new payments."""

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.db import unit_of_work
from crm_core.payments.errors import SupplierNameTakenError, SupplierNotFoundError
from crm_core.payments.models import Supplier
from crm_core.payments.schemas import SupplierRead, SupplierWrite
from crm_core.permissions import Principal


async def list_suppliers(q: str, active_only: bool) -> list[SupplierRead]:
    query = Supplier.filter(name__icontains=q.strip()) if q.strip() else Supplier.all()
    if active_only:
        query = query.filter(is_active=True)
    return [SupplierRead.model_validate(s) for s in await query.order_by("id").limit(500)]


async def save_supplier(
    principal: Principal, data: SupplierWrite, supplier_id: int | None = None
) -> SupplierRead:
    now = clock.utc_now()
    try:
        async with unit_of_work():
            if supplier_id is None:
                supplier = await Supplier.create(
                    **data.model_dump(), created_at=now, updated_at=now
                )
            else:
                found = await Supplier.select_for_update().get_or_none(id=supplier_id)
                if found is None:
                    raise SupplierNotFoundError()
                await Supplier.filter(id=supplier_id).update(**data.model_dump(), updated_at=now)
                supplier = await Supplier.get(id=supplier_id)
            await audit.record(
                audit.actor_of(principal),
                "payments.supplier_saved",
                target_type="supplier",
                target_id=supplier.id,
                after={"name": supplier.name, "is_active": supplier.is_active},
            )
    except IntegrityError:
        raise SupplierNameTakenError(field="name") from None
    return SupplierRead.model_validate(supplier)
