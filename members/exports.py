"""Excel/CSV export of the members in the caller's data scope, audited."""

from crm_core import audit
from crm_core.exports import Format, Table, render
from crm_core.org.models import Staff, Store
from crm_core.permissions import Principal
from members.models import Member
from members.service import keyword_filter, scope_filter

MAX_ROWS = 50_000
HEADER = ["会员编号", "姓名", "手机", "会员卡号", "首次门店", "首次导购", "首次渠道", "注册时间"]


async def export_members(principal: Principal, fmt: Format, *, q: str = "") -> bytes:
    query = Member.filter(await scope_filter(principal), merged_into_id=None)
    if q.strip():
        query = query.filter(keyword_filter(q.strip()))
    rows = await query.order_by("id").limit(MAX_ROWS)
    stores = dict(await Store.all().values_list("id", "name"))
    staff = dict(await Staff.all().values_list("id", "name"))
    table = Table(
        HEADER,
        [
            [
                m.id,
                m.name,
                m.phone,
                m.card_no,
                stores.get(m.first_store_id, ""),
                staff.get(m.first_guide_id, ""),
                m.first_channel,
                m.created_at,
            ]
            for m in rows
        ],
    )
    body = render(table, fmt)
    await audit.record(
        audit.actor_of(principal),
        "member.export",
        after={"rows": len(rows), "format": fmt, "filter": q},
    )
    return body
