"""Exports of staff, stores and the audit log; each export is itself audited."""

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.export_jobs.schemas import NoFilter
from crm_core.export_jobs.service import ExportSource
from crm_core.exports import Format, Table, render
from crm_core.org import repository
from crm_core.org.models import Department, Role
from crm_core.org.service import audit_log
from crm_core.org.service.audit_log import AuditFilter
from crm_core.permissions import Principal
from crm_core.validation import Id

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


async def export_audit(
    principal: Principal, f: AuditFilter = AuditFilter(), fmt: Format = "csv"
) -> bytes:
    rows = await audit_log.filtered(f).order_by("-id").limit(MAX_ROWS)
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
        after={"rows": len(rows), "filter": f.action, "format": fmt},
    )
    return body


class AuditExportFilter(BaseModel):
    """The audit page's filters (GET /api/v1/audit), for its export."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field("", max_length=64)
    actor: str = Field("", max_length=64)
    actor_id: Id | None = None
    target_type: str = Field("", max_length=64)
    target_id: str = Field("", max_length=64)
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


async def _staff(principal: Principal, _: NoFilter) -> bytes:
    return await export_staff(principal, "xlsx")


async def _stores(principal: Principal, _: NoFilter) -> bytes:
    return await export_stores(principal, "xlsx")


async def _audit(principal: Principal, f: AuditExportFilter) -> bytes:
    return await export_audit(principal, AuditFilter(**f.model_dump()), fmt="xlsx")


EXPORT_SOURCES = (
    ExportSource("staff", "员工", "org.staff:export", "员工", NoFilter, _staff),
    ExportSource("stores", "门店", "org.store:export", "门店", NoFilter, _stores),
    ExportSource("audit", "审计日志", "system.audit:export", "审计日志", AuditExportFilter, _audit),
)
