"""The customer 360's 回款 section: per contract of the customer the caller may see, the
amount, what finance confirmed, what awaits review, and what is still owed."""

from crm_core.customer360.schemas import SectionBody, SectionColumn, SectionTable
from crm_core.customer360.service import CustomerContext, SectionSpec, register_section
from crm_core.payments.rules import yuan
from crm_core.payments.service import plans
from crm_core.sales.contracts.service import contracts as contract_service

SHOWN = 20
# Drafts (also under review) and void contracts owe nothing.
NOT_BINDING = frozenset({"draft", "reviewing", "void"})


async def receipts(context: CustomerContext) -> SectionBody:
    page = await contract_service.list_contracts(
        context.principal, "", None, context.customer_id, page=1, page_size=SHOWN
    )
    live = [c for c in page.items if c.status not in NOT_BINDING]
    paid = await plans.paid_by_contract([c.id for c in live])
    columns = [("number", "合同编号"), ("amount", "合同金额"), ("paid", "已回款")]
    rows = [
        {
            "number": c.number,
            "amount": yuan(c.amount_fen),
            "paid": yuan(paid[c.id][0]),
            "pending": yuan(paid[c.id][1]),
            "owed": yuan(c.amount_fen - paid[c.id][0]),
        }
        for c in page.items
        if c.status not in ("draft", "reviewing", "void")
    ]
    owed = sum(
        c.amount_fen - paid[c.id][0]
        for c in page.items
        if c.status not in ("draft", "reviewing", "void")
    )
    return SectionBody(
        subtitle=f"未回款 {yuan(owed)} 元" if rows else "",
        table=SectionTable(
            columns=[
                SectionColumn(key=k, label=v)
                for k, v in [*columns, ("pending", "待审核"), ("owed", "未回款")]
            ],
            rows=rows,
        ),
        empty_text="暂无生效的合同",
    )


def register() -> None:
    register_section(
        SectionSpec("receipts", "回款", 57, receipts, permission="sales.contract:view")
    )
