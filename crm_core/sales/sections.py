"""The sales sections of the customer 360: the customer's opportunities, quotes, contracts and
orders, each as far as the caller may see them (their own data scope and function permission)."""

from crm_core.customer360.schemas import SectionBody, SectionColumn, SectionTable
from crm_core.customer360.service import CustomerContext, SectionSpec, register_section
from crm_core.sales.contracts.service import contracts as contract_service
from crm_core.sales.opportunities.schemas import OpportunityFilter
from crm_core.sales.opportunities.service import opportunities as opportunity_service
from crm_core.sales.orders.service import orders as order_service
from crm_core.sales.quotes.rules import yuan
from crm_core.sales.quotes.service import quotes as quote_service

OPPORTUNITY_STATUS = {"open": "进行中", "won": "赢单", "lost": "输单"}
QUOTE_STATUS = {
    "draft": "草稿",
    "sent": "已发送",
    "accepted": "已接受",
    "rejected": "已拒绝",
    "expired": "已过期",
}
SHOWN = 20  # the newest; the full lists are on their own pages


def _table(columns: list[tuple[str, str]], rows: list[dict[str, str]]) -> SectionTable:
    return SectionTable(columns=[SectionColumn(key=k, label=v) for k, v in columns], rows=rows)


async def opportunities(context: CustomerContext) -> SectionBody:
    page = await opportunity_service.list_opportunities(
        context.principal,
        OpportunityFilter(customer_id=context.customer_id),
        page=1,
        page_size=SHOWN,
    )
    columns = [("name", "商机"), ("amount", "金额"), ("stage", "阶段"), ("status", "状态")]
    return SectionBody(
        subtitle=f"共 {page.total} 个" if page.total else "",
        table=_table(
            [*columns, ("close", "预计成交"), ("owner", "负责人")],
            [
                {
                    "name": o.name,
                    "amount": yuan(o.amount_fen),
                    "stage": f"{o.stage_name}（{o.probability}%）",
                    "status": OPPORTUNITY_STATUS[o.status.value],
                    "close": f"{o.expected_close_date:%Y-%m-%d}",
                    "owner": o.owner_name,
                }
                for o in page.items
            ],
        ),
        empty_text="暂无商机",
    )


async def quotes(context: CustomerContext) -> SectionBody:
    page = await quote_service.list_quotes(
        context.principal, "", None, context.customer_id, page=1, page_size=SHOWN
    )
    columns = [("number", "报价单号"), ("total", "总额"), ("status", "状态")]
    return SectionBody(
        subtitle=f"共 {page.total} 张" if page.total else "",
        table=_table(
            [*columns, ("valid", "有效期至"), ("owner", "负责人")],
            [
                {
                    "number": q.number,
                    "total": yuan(q.total_fen),
                    "status": QUOTE_STATUS[q.status.value],
                    "valid": f"{q.valid_until:%Y-%m-%d}",
                    "owner": q.owner_name,
                }
                for q in page.items
            ],
        ),
        empty_text="暂无报价单",
    )


async def contracts(context: CustomerContext) -> SectionBody:
    page = await contract_service.list_contracts(
        context.principal, "", None, context.customer_id, page=1, page_size=SHOWN
    )
    columns = [("number", "合同编号"), ("title", "名称"), ("amount", "金额"), ("status", "状态")]
    return SectionBody(
        subtitle=f"共 {page.total} 份" if page.total else "",
        table=_table(
            [*columns, ("signed", "签约日期"), ("owner", "负责人")],
            [
                {
                    "number": c.number,
                    "title": c.title,
                    "amount": yuan(c.amount_fen),
                    "status": c.status_label,
                    "signed": f"{c.sign_date:%Y-%m-%d}" if c.sign_date else "",
                    "owner": c.owner_name,
                }
                for c in page.items
            ],
        ),
        empty_text="暂无合同",
    )


async def orders(context: CustomerContext) -> SectionBody:
    page = await order_service.list_orders(
        context.principal, "", None, None, context.customer_id, page=1, page_size=SHOWN
    )
    columns = [("number", "订单编号"), ("contract", "合同"), ("amount", "金额")]
    return SectionBody(
        subtitle=f"共 {page.total} 张" if page.total else "",
        table=_table(
            [*columns, ("status", "状态"), ("owner", "负责人")],
            [
                {
                    "number": o.number,
                    "contract": o.contract_number,
                    "amount": yuan(o.amount_fen),
                    "status": o.status_label,
                    "owner": o.owner_name,
                }
                for o in page.items
            ],
        ),
        empty_text="暂无订单",
    )


def register() -> None:
    register_section(
        SectionSpec("opportunities", "商机", 40, opportunities, permission="sales.opportunity:view")
    )
    register_section(SectionSpec("quotes", "报价单", 50, quotes, permission="sales.quote:view"))
    register_section(
        SectionSpec("contracts", "合同", 55, contracts, permission="sales.contract:view")
    )
    register_section(SectionSpec("orders", "订单", 56, orders, permission="sales.b2b_order:view"))
