"""Exports of staff, stores and the audit log; each export is itself audited."""

from crm_core import audit, clock
from crm_core.audit import AuditLog, actor_of
from crm_core.exports import Format, Table, render
from crm_core.org import repository
from crm_core.org.models import Department, Role
from crm_core.permissions import Principal

STATUS = {"preparing": "筹备中", "open": "营业中", "suspended": "暂停营业", "closed": "已闭店"}
MAX_ROWS = 50_000


async def _department_names() -> dict[int, str]:
    return {int(i): str(n) for i, n in await Department.all().values_list("id", "name")}


async def export_staff(principal: Principal, fmt: Format = "csv") -> bytes:
    rows = await repository.staff(principal).order_by("id").limit(MAX_ROWS)
    roles = {role.id: role.name for role in await Role.all()}
    role_ids = await repository.role_ids_of([row.id for row in rows])
    departments = await _department_names()
    body = render(
        Table(
            ["工号", "登录名", "姓名", "手机", "邮箱", "部门", "角色", "导购", "状态"],
            [
                [
                    row.id,
                    row.username,
                    row.name,
                    row.phone,
                    row.email,
                    departments.get(row.department_id, ""),  # type: ignore[attr-defined]
                    "、".join(roles[i] for i in role_ids[row.id]),
                    "是" if row.is_guide else "否",
                    "在职" if row.is_active else "已停用",
                ]
                for row in rows
            ],
        ),
        fmt,
    )
    await audit.record(
        actor_of(principal), "staff.export", after={"rows": len(rows), "format": fmt}
    )
    return body


async def export_stores(principal: Principal, fmt: Format = "csv") -> bytes:
    rows = await repository.stores(principal).order_by("code").limit(MAX_ROWS)
    departments = await _department_names()
    header = ["门店编码", "门店名称", "省", "市", "区/县", "地址", "电话", "所属部门", "状态"]
    body = render(
        Table(
            header,
            [
                [
                    row.code,
                    row.name,
                    row.province,
                    row.city,
                    row.district,
                    row.address,
                    row.phone,
                    departments.get(row.department_id, ""),  # type: ignore[attr-defined]
                    STATUS.get(row.status.value, row.status.value),
                ]
                for row in rows
            ],
        ),
        fmt,
    )
    await audit.record(
        actor_of(principal), "store.export", after={"rows": len(rows), "format": fmt}
    )
    return body


async def export_audit(principal: Principal, *, action: str = "", fmt: Format = "csv") -> bytes:
    query = AuditLog.all()
    if action:
        query = query.filter(action__startswith=action)
    rows = await query.order_by("-id").limit(MAX_ROWS)
    header = ["时间", "操作人", "IP", "操作", "对象类型", "对象", "变更前", "变更后", "原因"]
    body = render(
        Table(
            header,
            [
                [
                    clock.to_local(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                    row.actor_name,
                    row.ip,
                    row.action,
                    row.target_type,
                    row.target_id,
                    row.before or "",
                    row.after or "",
                    row.reason,
                ]
                for row in rows
            ],
        ),
        fmt,
    )
    await audit.record(
        actor_of(principal),
        "audit.export",
        after={"rows": len(rows), "filter": action, "format": fmt},
    )
    return body
