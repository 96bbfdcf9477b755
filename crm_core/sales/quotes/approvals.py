"""Quotes as an approvable kind (a discounted quote goes to review before it is sent): the
quote's total drives the chain, and it is locked while under review. Once decided it is free
again (lock_approved=False): a quote is revised and re-sent, unlike a contract."""

from crm_core import audit
from crm_core.approvals import rules as approval_rules
from crm_core.approvals.registry import ApprovableKind, Subject, register_kind
from crm_core.permissions import Principal
from crm_core.sales.quotes.errors import QuoteNotEditableError
from crm_core.sales.quotes.models import QuoteLine, QuoteStatus
from crm_core.sales.quotes.service import quotes


async def describe(principal: Principal, quote_id: int, _: int | None) -> Subject:
    quote = await quotes.quote_in_scope(principal, quote_id)
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteNotEditableError()
    line_off = await QuoteLine.filter(quote_id=quote.id, discount_bp__gt=0).count()
    total = approval_rules.yuan(quote.total_fen)
    off = approval_rules.yuan(quote.discount_fen)
    title = f"报价单 {quote.number} 合计 {total} 元（整单优惠 {off} 元，{line_off} 行有折扣）"
    return Subject(title=title, amount_fen=quote.total_fen)


async def on_approved(quote_id: int, _: int, actor: audit.Actor) -> None:
    await audit.record(actor, "sales.quote_approved", target_type="sales_quote", target_id=quote_id)


def register() -> None:
    register_kind(
        ApprovableKind(
            code=quotes.KIND,
            label="报价单（折扣）",
            describe=describe,
            on_approved=on_approved,
            detail_url="/admin/quotes/{id}",
            lock_approved=False,
        )
    )
