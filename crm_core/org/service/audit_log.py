from dataclasses import dataclass
from datetime import datetime

from tortoise.queryset import QuerySet

from crm_core.audit import AuditLog
from crm_core.org.models import Department, Position, Role, Staff, Store
from crm_core.org.schemas import AuditRead, Page

# Targets whose name the audit page shows in its sentence ("修改了门店「上海南京路店」").
NAMED_TARGETS = {
    "staff": Staff,
    "store": Store,
    "department": Department,
    "role": Role,
    "position": Position,
}


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters; `action` matches a prefix ("staff." is every staff action)."""

    action: str = ""
    actor: str = ""
    actor_id: int | None = None
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def filtered(f: AuditFilter) -> QuerySet[AuditLog]:
    query = AuditLog.all()
    if f.action:
        query = query.filter(action__startswith=f.action)
    if f.actor:
        query = query.filter(actor_name__icontains=f.actor)
    if f.actor_id is not None:
        query = query.filter(actor_id=f.actor_id)
    if f.target_type:
        query = query.filter(target_type=f.target_type)
    if f.target_id:
        query = query.filter(target_id=f.target_id)
    if f.since is not None:
        query = query.filter(at__gte=f.since)
    if f.until is not None:
        query = query.filter(at__lt=f.until)
    return query


async def list_entries(
    f: AuditFilter = AuditFilter(), *, page: int = 1, page_size: int = 50
) -> Page[AuditRead]:
    query = filtered(f)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    items = [AuditRead.model_validate(r) for r in rows]
    await _name_targets(items)
    return Page[AuditRead](
        items=items,
        total=total,
        page=page,
        page_size=page_size,
    )


async def _name_targets(items: list[AuditRead]) -> None:
    """One query per target type; a deleted target keeps the name its snapshot recorded."""
    for target_type, model in NAMED_TARGETS.items():
        ids = {
            int(i.target_id)
            for i in items
            if i.target_type == target_type and i.target_id.isdecimal()
        }
        ids = {i for i in ids if i < 2**31}
        names = dict(await model.filter(id__in=ids).values_list("id", "name")) if ids else {}
        for item in items:
            if item.target_type == target_type and item.target_id.isdecimal():
                item.target_name = str(names.get(int(item.target_id), "") or "")
    for item in items:
        if not item.target_name:
            snapshot = item.after or item.before or {}
            item.target_name = str(snapshot.get("name", "") or "")
