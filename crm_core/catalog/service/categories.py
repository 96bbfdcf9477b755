"""The category tree and the custom field definitions: brand settings, audited."""

from tortoise.functions import Count

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.catalog import repository, rules
from crm_core.catalog.errors import (
    CategoryCycleError,
    CategoryDuplicateError,
    CategoryInUseError,
    CategoryNotFoundError,
    CustomFieldNotFoundError,
    FieldKeyTakenError,
    FieldOptionsInvalidError,
)
from crm_core.catalog.models import CustomField, FieldKind, Product, ProductCategory
from crm_core.catalog.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldUpdate,
)
from crm_core.db import advisory_lock, unit_of_work
from crm_core.permissions import Principal

# Serialises tree edits: a cycle check reads the whole tree, then moves one node.
_TREE_LOCK = 0x6361_7431


async def category_tree() -> list[CategoryRead]:
    rows = await ProductCategory.all().order_by("position", "id")
    counts: dict[int, int] = dict(
        await Product.exclude(category_id=None)
        .group_by("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    nodes = {
        c.id: CategoryRead(
            id=c.id,
            name=c.name,
            parent_id=c.parent_id,
            position=c.position,
            product_count=counts.get(c.id, 0),
        )
        for c in rows
    }
    roots: list[CategoryRead] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


async def get_category(category_id: int) -> ProductCategory:
    category = await ProductCategory.get_or_none(id=category_id)
    if category is None:
        raise CategoryNotFoundError()
    return category


async def _check_name(name: str, parent_id: int | None, own_id: int | None = None) -> None:
    same = ProductCategory.filter(name=name, parent_id=parent_id)
    if own_id is not None:
        same = same.exclude(id=own_id)
    if await same.exists():
        raise CategoryDuplicateError(name=name, field="name")


async def create_category(principal: Principal, data: CategoryCreate) -> CategoryRead:
    async with unit_of_work():
        await advisory_lock(_TREE_LOCK)
        if data.parent_id is not None:
            await get_category(data.parent_id)
        await _check_name(data.name, data.parent_id)
        category = await ProductCategory.create(
            name=data.name,
            parent_id=data.parent_id,
            position=data.position,
            created_at=clock.utc_now(),
        )
        await audit.record(
            actor_of(principal),
            "catalog.category_created",
            target_type="catalog_category",
            target_id=category.id,
            after=data.model_dump(),
        )
    return CategoryRead(
        id=category.id,
        name=category.name,
        parent_id=category.parent_id,
        position=category.position,
        product_count=0,
    )


async def update_category(
    principal: Principal, category_id: int, data: CategoryUpdate
) -> CategoryRead:
    async with unit_of_work():
        await advisory_lock(_TREE_LOCK)
        category = await get_category(category_id)
        before = {"name": category.name, "parent_id": category.parent_id}
        parent_id = data.parent_id if data.move else category.parent_id
        if data.move:
            if parent_id is not None:
                await get_category(parent_id)
            if rules.would_cycle(category.id, parent_id, await repository.category_parents()):
                raise CategoryCycleError(field="parent_id")
        name = data.name if data.name is not None else category.name
        await _check_name(name, parent_id, category.id)
        category.name, category.parent_id = name, parent_id  # type: ignore[assignment]
        if data.position is not None:
            category.position = data.position
        await category.save()
        after = {"name": category.name, "parent_id": category.parent_id}
        await audit.record(
            actor_of(principal),
            "catalog.category_updated",
            target_type="catalog_category",
            target_id=category.id,
            before=before,
            after=after,
        )
    count = await Product.filter(category_id=category.id).count()
    return CategoryRead(
        id=category.id,
        name=category.name,
        parent_id=category.parent_id,
        position=category.position,
        product_count=count,
    )


async def delete_category(principal: Principal, category_id: int) -> None:
    async with unit_of_work():
        await advisory_lock(_TREE_LOCK)
        category = await get_category(category_id)
        if (
            await ProductCategory.exists(parent_id=category.id)
            or await Product.exists(category_id=category.id)
            or await CustomField.exists(category_id=category.id)
        ):
            raise CategoryInUseError()
        await category.delete()
        await audit.record(
            actor_of(principal),
            "catalog.category_deleted",
            target_type="catalog_category",
            target_id=category_id,
            before={"name": category.name, "parent_id": category.parent_id},
        )


def _check_options(kind: FieldKind, options: list[str]) -> None:
    if kind == FieldKind.SELECT:
        if not options or len(set(options)) != len(options):
            raise FieldOptionsInvalidError(field="options")
    elif options:
        raise FieldOptionsInvalidError(field="options")


async def list_fields() -> list[CustomFieldRead]:
    return [CustomFieldRead.model_validate(f) for f in await CustomField.all().order_by("id")]


async def create_field(principal: Principal, data: CustomFieldCreate) -> CustomFieldRead:
    _check_options(data.kind, data.options)
    if data.category_id is not None:
        await get_category(data.category_id)
    async with unit_of_work():
        await advisory_lock(_TREE_LOCK)
        if await CustomField.exists(key=data.key):
            raise FieldKeyTakenError(key=data.key, field="key")
        field = await CustomField.create(**data.model_dump(), created_at=clock.utc_now())
        await audit.record(
            actor_of(principal),
            "catalog.field_created",
            target_type="catalog_custom_field",
            target_id=field.id,
            after=data.model_dump(mode="json"),
        )
    return CustomFieldRead.model_validate(field)


async def update_field(
    principal: Principal, field_id: int, data: CustomFieldUpdate
) -> CustomFieldRead:
    async with unit_of_work():
        field = await CustomField.select_for_update().get_or_none(id=field_id)
        if field is None:
            raise CustomFieldNotFoundError()
        changes = data.model_dump(exclude_none=True)
        _check_options(field.kind, changes.get("options", field.options))
        before = {k: getattr(field, k) for k in changes}
        field.update_from_dict(changes)
        await field.save()
        await audit.record(
            actor_of(principal),
            "catalog.field_updated",
            target_type="catalog_custom_field",
            target_id=field.id,
            before=before,
            after=changes,
        )
    return CustomFieldRead.model_validate(field)
