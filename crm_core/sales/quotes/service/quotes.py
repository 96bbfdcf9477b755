"""Write, read and move quotes. Totals are computed here from the catalogue and rules.py; the
client's figures are never taken."""

from datetime import date

from crm_core import audit, clock
from crm_core.approvals.service import locks
from crm_core.audit import actor_of
from crm_core.customers.models import Customer
from crm_core.customers.service import customers
from crm_core.customers.service.masking import shown_phone
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.permissions import Principal
from crm_core.sales.quotes import repository, rules
from crm_core.sales.quotes.errors import (
    QuoteDiscountTooLargeError,
    QuoteExpiredError,
    QuoteNotEditableError,
    QuoteNotFoundError,
    QuoteSkuUnavailableError,
    QuoteStatusMoveError,
    QuoteValidityPastError,
)
from crm_core.sales.quotes.models import Quote, QuoteLine, QuoteStatus
from crm_core.sales.quotes.schemas import (
    QuoteLineRead,
    QuotePage,
    QuoteRead,
    QuoteStatusChange,
    QuoteWrite,
)
from crm_core.sales.quotes.service import pricing
from crm_core.sales.quotes.service.template import current_template

KIND = "quote"
STATUS_LABELS = {
    QuoteStatus.DRAFT: "草稿",
    QuoteStatus.SENT: "已发送",
    QuoteStatus.ACCEPTED: "已接受",
    QuoteStatus.REJECTED: "已拒绝",
    QuoteStatus.EXPIRED: "已过期",
}


def today() -> date:
    return clock.local_now().date()


async def _read_many(principal: Principal, quotes: list[Quote]) -> list[QuoteRead]:
    ids = [q.id for q in quotes]
    lines: dict[int, list[QuoteLineRead]] = {}
    for line in await QuoteLine.filter(quote_id__in=ids).order_by("id"):
        lines.setdefault(line.quote_id, []).append(QuoteLineRead.model_validate(line))
    people = {c.id: c for c in await Customer.filter(id__in={q.customer_id for q in quotes})}
    names = dict(await Staff.filter(id__in={q.owner_id for q in quotes}).values_list("id", "name"))
    return [
        QuoteRead(
            id=q.id,
            number=q.number,
            customer_id=q.customer_id,
            customer_name=people[q.customer_id].name,
            # Masked unless the caller may see this customer's number (the one policy).
            customer_phone=shown_phone(principal, people[q.customer_id]),
            owner_id=q.owner_id,
            owner_name=names.get(q.owner_id, ""),
            status=q.status,
            valid_until=q.valid_until,
            subtotal_fen=q.subtotal_fen,
            discount_fen=q.discount_fen,
            total_fen=q.total_fen,
            note=q.note,
            lines=lines.get(q.id, []),
            created_at=q.created_at,
            updated_at=q.updated_at,
        )
        for q in quotes
    ]


async def list_quotes(
    principal: Principal,
    q: str,
    status: QuoteStatus | None,
    customer_id: int | None,
    *,
    page: int,
    page_size: int,
) -> QuotePage:
    query = repository.filtered(principal, q, status, customer_id)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    items = await _read_many(principal, rows)
    return QuotePage(items=items, total=total, page=page, page_size=page_size)


async def quote_in_scope(principal: Principal, quote_id: int, *, lock: bool = False) -> Quote:
    query = repository.in_scope(principal)
    quote = await (query.select_for_update() if lock else query).get_or_none(id=quote_id)
    if quote is None:
        raise QuoteNotFoundError()
    return quote


async def get_quote(principal: Principal, quote_id: int) -> QuoteRead:
    return (await _read_many(principal, [await quote_in_scope(principal, quote_id)]))[0]


async def _priced(data: QuoteWrite) -> tuple[list[QuoteLine], int, int]:
    """The lines as written (SKU facts copied from the catalogue), the subtotal and the total."""
    if data.valid_until < today():
        raise QuoteValidityPastError(field="valid_until")
    return await pricing.price_lines(
        data.lines,
        data.discount_fen,
        QuoteLine,
        QuoteSkuUnavailableError,
        QuoteDiscountTooLargeError,
    )


def _audit_view(quote: Quote, lines: list[QuoteLine]) -> dict[str, object]:
    return {
        "number": quote.number,
        "customer_id": quote.customer_id,
        "status": quote.status.value,
        "valid_until": quote.valid_until.isoformat(),
        "subtotal_fen": quote.subtotal_fen,
        "discount_fen": quote.discount_fen,
        "total_fen": quote.total_fen,
        "lines": [[li.sku_code, li.quantity, li.unit_price_fen, li.discount_bp] for li in lines],
    }


async def _write_lines(quote: Quote, lines: list[QuoteLine]) -> None:
    await QuoteLine.filter(quote_id=quote.id).delete()
    for line in lines:
        line.quote_id = quote.id
    await QuoteLine.bulk_create(lines)


async def create_quote(principal: Principal, data: QuoteWrite) -> QuoteRead:
    await customers.get_customer(principal, data.customer_id)
    lines, subtotal, total = await _priced(data)
    now = clock.utc_now()
    async with unit_of_work():
        prefix = (await current_template()).number_prefix
        sequence = await repository.next_sequence(prefix, today().year)
        quote = await Quote.create(
            number=rules.number(prefix, today().year, sequence),
            customer_id=data.customer_id,
            owner_id=principal.staff_id,
            department_id=principal.department_id,
            valid_until=data.valid_until,
            subtotal_fen=subtotal,
            discount_fen=data.discount_fen,
            total_fen=total,
            note=data.note,
            created_at=now,
            updated_at=now,
        )
        await _write_lines(quote, lines)
        await audit.record(
            actor_of(principal),
            "sales.quote_created",
            target_type="sales_quote",
            target_id=quote.id,
            after=_audit_view(quote, lines),
        )
    return await get_quote(principal, quote.id)


async def update_quote(principal: Principal, quote_id: int, data: QuoteWrite) -> QuoteRead:
    await quote_in_scope(principal, quote_id)
    await customers.get_customer(principal, data.customer_id)
    lines, subtotal, total = await _priced(data)
    async with unit_of_work():
        quote = await quote_in_scope(principal, quote_id, lock=True)
        # Under review (a discounted quote): 409 record_locked until the approvers decide.
        await locks.assert_unlocked(KIND, quote.id)
        if quote.status != QuoteStatus.DRAFT:
            raise QuoteNotEditableError()
        before = _audit_view(quote, await QuoteLine.filter(quote_id=quote.id).order_by("id"))
        quote.update_from_dict(
            {
                "customer_id": data.customer_id,
                "valid_until": data.valid_until,
                "subtotal_fen": subtotal,
                "discount_fen": data.discount_fen,
                "total_fen": total,
                "note": data.note,
                "updated_at": clock.utc_now(),
            }
        )
        await quote.save()
        await _write_lines(quote, lines)
        changed = audit.changes(before, _audit_view(quote, lines))
        await audit.record(
            actor_of(principal),
            "sales.quote_updated",
            target_type="sales_quote",
            target_id=quote.id,
            before=changed[0],
            after=changed[1],
        )
    return await get_quote(principal, quote.id)


async def change_status(principal: Principal, quote_id: int, data: QuoteStatusChange) -> QuoteRead:
    async with unit_of_work():
        quote = await quote_in_scope(principal, quote_id, lock=True)
        await locks.assert_unlocked(KIND, quote.id)
        current, target = quote.status, data.status
        if not rules.may_move(current, target):
            raise QuoteStatusMoveError(
                current=STATUS_LABELS[current], target=STATUS_LABELS[target], field="status"
            )
        past = rules.is_past(quote.valid_until, today())
        if target in (QuoteStatus.SENT, QuoteStatus.ACCEPTED) and past:
            raise QuoteExpiredError(valid_until=quote.valid_until.isoformat(), field="status")
        quote.status, quote.updated_at = target, clock.utc_now()
        await quote.save(update_fields=["status", "updated_at"])
        await audit.record(
            actor_of(principal),
            "sales.quote_status_changed",
            target_type="sales_quote",
            target_id=quote.id,
            before={"status": current.value},
            after={"status": target.value},
        )
    return await get_quote(principal, quote.id)


async def expire_quotes() -> int:
    """Sent quotes past their validity date become expired (the daily beat job)."""
    expired = 0
    for quote_id in await repository.sent_and_past(today()):
        async with unit_of_work():
            quote = await Quote.select_for_update().get(id=quote_id)
            if quote.status != QuoteStatus.SENT or not rules.is_past(quote.valid_until, today()):
                continue
            quote.status, quote.updated_at = QuoteStatus.EXPIRED, clock.utc_now()
            await quote.save(update_fields=["status", "updated_at"])
            await audit.record(
                audit.SYSTEM,
                "sales.quote_expired",
                target_type="sales_quote",
                target_id=quote.id,
                before={"status": "sent"},
                after={"status": "expired"},
            )
            expired += 1
    return expired
