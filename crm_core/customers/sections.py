"""The customer's own sections of the 360 view (registered by `register()` from scrm)."""

from datetime import datetime

from crm_core import clock
from crm_core.customer360.schemas import SectionBody, SectionColumn, SectionField, SectionTable
from crm_core.customer360.service import CustomerContext, SectionSpec, register_section
from crm_core.customers.service import customers, records, transfers

KIND = {"person": "个人", "company": "企业"}
LEVEL = {"a": "A 重点", "b": "B 普通", "c": "C 一般", "d": "D 低价值"}
SOURCE = {
    "self": "自主开发",
    "referral": "转介绍",
    "advertising": "广告",
    "exhibition": "展会",
    "online": "线上",
    "import": "导入",
    "other": "其他",
}
FOLLOW_UP = {"call": "电话", "visit": "拜访", "wechat": "微信", "note": "备注"}


def when(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if moment is None else f"{clock.to_local(moment):{pattern}}"


def table(columns: list[tuple[str, str]], rows: list[dict[str, str]]) -> SectionTable:
    return SectionTable(columns=[SectionColumn(key=k, label=v) for k, v in columns], rows=rows)


async def basic(context: CustomerContext) -> SectionBody:
    c = await customers.get_customer(context.principal, context.customer_id)
    shown = {
        "类型": KIND[c.kind.value],
        "手机": c.phone,
        "级别": LEVEL[c.level.value],
        "来源": SOURCE[c.source.value],
        "行业": c.industry or "—",
        "地址": c.address or "—",
        "标签": "、".join(c.tags) or "—",
        "负责人": c.owner_name,
        "最近跟进": when(c.last_followed_at),
        "下次联系": when(c.next_contact_at),
        "创建时间": when(c.created_at),
    }
    return SectionBody(fields=[SectionField(label=k, value=v) for k, v in shown.items()])


async def contacts(context: CustomerContext) -> SectionBody:
    rows = await records.list_contacts(context.principal, context.customer_id)
    columns = [("name", "姓名"), ("phone", "电话"), ("title", "职务"), ("primary", "首要")]
    return SectionBody(
        table=table(
            columns,
            [
                {"name": r.name, "phone": r.phone, "title": r.title, "primary": "是" * r.is_primary}
                for r in rows
            ],
        ),
        empty_text="暂无联系人",
    )


async def follow_ups(context: CustomerContext) -> SectionBody:
    rows = await records.list_follow_ups(context.principal, context.customer_id)
    columns = [("at", "时间"), ("kind", "方式"), ("content", "内容"), ("next", "下次联系")]
    return SectionBody(
        table=table(
            [*columns, ("staff", "跟进人")],
            [
                {
                    "at": when(r.at),
                    "kind": FOLLOW_UP[r.kind.value],
                    "content": r.content,
                    "next": when(r.next_contact_at),
                    "staff": r.staff_name,
                }
                for r in rows
            ],
        ),
        empty_text="暂无跟进记录",
    )


async def transfer_history(context: CustomerContext) -> SectionBody:
    rows = await transfers.list_transfers(context.principal, context.customer_id)
    columns = [("at", "时间"), ("from", "原负责人"), ("to", "新负责人"), ("by", "操作人")]
    return SectionBody(
        table=table(
            [*columns, ("reason", "原因")],
            [
                {
                    "at": when(r.at),
                    "from": r.from_name,
                    "to": r.to_name,
                    "by": r.by_name,
                    "reason": r.reason,
                }
                for r in rows
            ],
        ),
        empty_text="暂无转移记录",
    )


def register() -> None:
    for spec in (
        SectionSpec("basic", "基本信息", 10, basic),
        SectionSpec("contacts", "联系人", 20, contacts),
        SectionSpec("follow_ups", "跟进记录", 30, follow_ups),
        SectionSpec("transfers", "转移记录", 90, transfer_history),
    ):
        register_section(spec)
