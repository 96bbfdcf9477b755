from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from crm_core import audit
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org import repository
from crm_core.org.errors import (
    DuplicateStoreCodeError,
    StaffNotFoundError,
    StoreHasStaffError,
    StoreNotFoundError,
)
from crm_core.org.models import Staff, Store, StoreStatus
from crm_core.org.schemas import Page, StoreCreate, StoreRead, StoreUpdate
from crm_core.org.service._common import snapshot
from crm_core.org.service.departments import get_department
from crm_core.permissions import Principal

FIELDS = (
    "code",
    "name",
    "province",
    "city",
    "district",
    "address",
    "phone",
    "status",
    "department_id",
    "manager_id",
)


async def list_stores(
    principal: Principal,
    *,
    keyword: str = "",
    status: StoreStatus | None = None,
    city: str = "",
    page: int = 1,
    page_size: int = 50,
) -> Page[StoreRead]:
    query = repository.stores(principal)
    if keyword:
        query = query.filter(Q(name__icontains=keyword) | Q(code__icontains=keyword))
    if status is not None:
        query = query.filter(status=status)
    if city:
        query = query.filter(city=city)
    total = await query.count()
    rows = await query.order_by("code").offset((page - 1) * page_size).limit(page_size)
    return Page[StoreRead](
        items=[StoreRead.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


async def get_store(principal: Principal, store_id: int) -> Store:
    store = await repository.stores(principal).get_or_none(id=store_id)
    if store is None:
        raise StoreNotFoundError()
    return store


async def _check_manager(principal: Principal, manager_id: int | None) -> None:
    if (
        manager_id is not None
        and not await repository.staff(principal).filter(id=manager_id, is_active=True).exists()
    ):
        raise StaffNotFoundError("店长必须是一名在职且您可见的员工")


async def create_store(principal: Principal, data: StoreCreate) -> StoreRead:
    await get_department(principal, data.department_id)
    await _check_manager(principal, data.manager_id)
    try:
        async with unit_of_work():
            store = await Store.create(**data.model_dump())
            await audit.record(
                actor_of(principal),
                "store.create",
                target_type="store",
                target_id=store.id,
                after=snapshot(store, FIELDS),
            )
    except IntegrityError as error:
        raise DuplicateStoreCodeError(code=data.code) from error
    return StoreRead.model_validate(store)


async def update_store(principal: Principal, store_id: int, data: StoreUpdate) -> StoreRead:
    store = await get_store(principal, store_id)
    before = snapshot(store, FIELDS)
    if data.department_id is not None:
        await get_department(principal, data.department_id)
    await _check_manager(principal, data.manager_id)
    store.update_from_dict(data.model_dump(exclude_none=True))
    async with unit_of_work():
        await store.save()
        old, new = audit.changes(before, snapshot(store, FIELDS))
        await audit.record(
            actor_of(principal),
            "store.update",
            target_type="store",
            target_id=store.id,
            before=old,
            after=new,
        )
    return StoreRead.model_validate(store)


async def delete_store(principal: Principal, store_id: int) -> None:
    store = await get_store(principal, store_id)
    count = await Staff.filter(store_id=store.id).count()
    if count:
        raise StoreHasStaffError(count=count)
    async with unit_of_work():
        await store.delete()
        await audit.record(
            actor_of(principal),
            "store.delete",
            target_type="store",
            target_id=store_id,
            before=snapshot(store, FIELDS),
        )
