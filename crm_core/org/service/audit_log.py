from crm_core.audit import AuditLog
from crm_core.org.schemas import AuditRead, Page


async def list_entries(
    *, action: str = "", actor: str = "", page: int = 1, page_size: int = 50
) -> Page[AuditRead]:
    query = AuditLog.all()
    if action:
        query = query.filter(action__startswith=action)
    if actor:
        query = query.filter(actor_name__icontains=actor)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return Page[AuditRead](
        items=[AuditRead.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )
