"""Excel export of the customers in the caller's data scope (the list's filters), phones masked
by the same policy as every other view, audited."""

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from crm_core import audit
from crm_core.customers import repository
from crm_core.customers.models import CustomerLevel, CustomerSource
from crm_core.customers.schemas import CustomerFilter
from crm_core.customers.service._common import owner_label
from crm_core.customers.service.masking import shown_phone
from crm_core.export_jobs.service import ExportSource
from crm_core.exports import Table, render
from crm_core.permissions import Principal
from crm_core.validation import Id

MAX_ROWS = 50_000
HEADER = ["客户编号", "客户名称", "类型", "手机", "级别", "来源", "行业", "地址", "标签"]
HEADER += ["负责人", "最近跟进", "下次联系", "创建时间"]
KIND = {"person": "个人", "company": "企业"}
SOURCE = {
    "self": "自主开发",
    "referral": "转介绍",
    "advertising": "广告",
    "exhibition": "展会",
    "online": "线上",
    "import": "导入",
    "other": "其他",
}


class CustomerExportFilter(BaseModel):
    """The customer list's filters (GET /api/v1/customers), for its export."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=64)
    level: CustomerLevel | None = None
    source: CustomerSource | None = None
    owner_id: Id | None = None
    tag: str = Field("", max_length=16)
    next_contact_before: AwareDatetime | None = None


async def export_customers(principal: Principal, f: CustomerExportFilter) -> bytes:
    query = repository.filtered(principal, CustomerFilter(**f.model_dump()))
    rows = await query.order_by("id").limit(MAX_ROWS)
    names = await repository.staff_names({c.owner_id for c in rows})
    table = Table(
        HEADER,
        [
            [
                c.id,
                c.name,
                KIND[c.kind.value],
                shown_phone(principal, c),
                c.level.value.upper(),
                SOURCE[c.source.value],
                c.industry,
                c.address,
                "、".join(c.tags),
                owner_label(names, c.owner_id),
                c.last_followed_at,
                c.next_contact_at,
                c.created_at,
            ]
            for c in rows
        ],
    )
    body = render(table, "xlsx")
    await audit.record(
        audit.actor_of(principal),
        "customer.export",
        after={
            "rows": len(rows),
            "format": "xlsx",
            "filter": f.model_dump(exclude_defaults=True, mode="json"),
        },
    )
    return body


EXPORT_SOURCES = (
    ExportSource(
        "customers",
        "客户",
        "customers.customer:export",
        "客户",
        CustomerExportFilter,
        export_customers,
    ),
)
