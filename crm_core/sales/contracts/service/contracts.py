"""Write, read and move contracts. Amounts come from the catalogue (or the quote) and the quote
rules; the client's figures are never taken. An approved contract is locked by the approval
engine: content edits then answer 409 record_locked, only the lifecycle moves on."""

from typing import Any

from crm_core import audit, clock
from crm_core.approvals.service import locks
from crm_core.audit import actor_of
from crm_core.customers.models import Customer
from crm_core.customers.service import customers
from crm_core.customers.service.masking import shown_phone
from crm_core.db import unit_of_work
from crm_core.org.models import Staff
from crm_core.permissions import Principal
from crm_core.sales.contracts import repository, rules
from crm_core.sales.contracts.errors import (
    ContractDiscountTooLargeError,
    ContractLinkInvalidError,
    ContractNotEditableError,
    ContractNotFoundError,
    ContractPeriodInvalidError,
    ContractQuoteNotUsableError,
    ContractSkuUnavailableError,
    ContractStatusMoveError,
)
from crm_core.sales.contracts.models import (
    Contract,
    ContractAttachment,
    ContractLine,
    ContractStatus,
)
from crm_core.sales.contracts.schemas import (
    AttachmentRead,
    ContractFromQuote,
    ContractLineIn,
    ContractLineRead,
    ContractPage,
    ContractRead,
    ContractStatusChange,
    ContractWrite,
    ShownStatus,
)
from crm_core.sales.contracts.service import numbers
from crm_core.sales.opportunities.service import opportunities
from crm_core.sales.quotes.models import QuoteStatus
from crm_core.sales.quotes.service import pricing, quotes

KIND = "contract"


async def _read_many(principal: Principal, rows: list[Contract]) -> list[ContractRead]:
    ids = [c.id for c in rows]
    lines: dict[int, list[ContractLineRead]] = {}
    for line in await ContractLine.filter(contract_id__in=ids).order_by("id"):
        lines.setdefault(line.contract_id, []).append(ContractLineRead.model_validate(line))
    files = await ContractAttachment.filter(contract_id__in=ids).order_by("id")
    people = {c.id: c for c in await Customer.filter(id__in={c.customer_id for c in rows})}
    staff_ids = {c.owner_id for c in rows} | {f.uploaded_by_id for f in files}
    names = dict(await Staff.filter(id__in=staff_ids).values_list("id", "name"))
    attachments: dict[int, list[AttachmentRead]] = {}
    for f in files:
        attachments.setdefault(f.contract_id, []).append(
            AttachmentRead(
                id=f.id,
                name=f.name,
                content_type=f.content_type,
                size=f.size,
                uploaded_by_name=names.get(f.uploaded_by_id, ""),
                created_at=f.created_at,
            )
        )
    held = await locks.locked_among(KIND, ids)
    result = []
    for c in rows:
        shown: ShownStatus = rules.shown_status(c.status, c.id in held)  # type: ignore[assignment]
        result.append(
            ContractRead(
                id=c.id,
                number=c.number,
                title=c.title,
                customer_id=c.customer_id,
                customer_name=people[c.customer_id].name,
                # Masked unless the caller may see this customer's number (the one policy).
                customer_phone=shown_phone(principal, people[c.customer_id]),
                opportunity_id=c.opportunity_id,
                quote_id=c.quote_id,
                owner_id=c.owner_id,
                owner_name=names.get(c.owner_id, ""),
                status=shown,
                status_label=rules.LABELS[ContractStatus(shown) if shown != "reviewing" else shown],
                locked=c.id in held,
                subtotal_fen=c.subtotal_fen,
                discount_fen=c.discount_fen,
                amount_fen=c.amount_fen,
                sign_date=c.sign_date,
                start_date=c.start_date,
                end_date=c.end_date,
                note=c.note,
                lines=lines.get(c.id, []),
                attachments=attachments.get(c.id, []),
                created_at=c.created_at,
                updated_at=c.updated_at,
            )
        )
    return result


async def list_contracts(
    principal: Principal,
    q: str,
    status: ShownStatus | None,
    customer_id: int | None,
    *,
    page: int,
    page_size: int,
) -> ContractPage:
    statuses: list[ContractStatus] | None = None
    ids: list[int] | None = None
    excluded: list[int] | None = None
    if status in ("draft", "reviewing"):
        statuses = [ContractStatus.DRAFT]
        held = sorted(await locks.locked_among(KIND))
        ids, excluded = (held, None) if status == "reviewing" else (None, held)
    elif status is not None:
        statuses = [ContractStatus(status)]
    query = repository.filtered(principal, q, statuses, customer_id, ids, excluded)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    items = await _read_many(principal, rows)
    return ContractPage(items=items, total=total, page=page, page_size=page_size)


async def contract_in_scope(
    principal: Principal, contract_id: int, *, lock: bool = False
) -> Contract:
    query = repository.in_scope(principal)
    contract = await (query.select_for_update() if lock else query).get_or_none(id=contract_id)
    if contract is None:
        raise ContractNotFoundError()
    return contract


async def get_contract(principal: Principal, contract_id: int) -> ContractRead:
    return (await _read_many(principal, [await contract_in_scope(principal, contract_id)]))[0]


async def _checked(
    principal: Principal, data: ContractWrite
) -> tuple[list[ContractLine], int, int]:
    """Links, dates and prices of a contract as written; nothing is stored here."""
    await customers.get_customer(principal, data.customer_id)
    if not rules.period_ok(data.start_date, data.end_date):
        raise ContractPeriodInvalidError(field="end_date")
    if data.opportunity_id is not None:
        opportunity = await opportunities.get_opportunity(principal, data.opportunity_id)
        if opportunity.customer_id != data.customer_id:
            raise ContractLinkInvalidError(what="商机", field="opportunity_id")
    if data.quote_id is not None:
        quote = await quotes.get_quote(principal, data.quote_id)
        if quote.customer_id != data.customer_id:
            raise ContractLinkInvalidError(what="报价单", field="quote_id")
    return await pricing.price_lines(
        data.lines,
        data.discount_fen,
        ContractLine,
        ContractSkuUnavailableError,
        ContractDiscountTooLargeError,
    )


def _audit_view(contract: Contract, lines: list[ContractLine]) -> dict[str, object]:
    return {
        "number": contract.number,
        "title": contract.title,
        "customer_id": contract.customer_id,
        "status": contract.status.value,
        "subtotal_fen": contract.subtotal_fen,
        "discount_fen": contract.discount_fen,
        "amount_fen": contract.amount_fen,
        "sign_date": contract.sign_date.isoformat() if contract.sign_date else None,
        "start_date": contract.start_date.isoformat() if contract.start_date else None,
        "end_date": contract.end_date.isoformat() if contract.end_date else None,
        "lines": [[li.sku_code, li.quantity, li.unit_price_fen, li.discount_bp] for li in lines],
    }


async def _write_lines(contract: Contract, lines: list[ContractLine]) -> None:
    await ContractLine.filter(contract_id=contract.id).delete()
    for line in lines:
        line.contract_id = contract.id
    await ContractLine.bulk_create(lines)


def _fields(data: ContractWrite, subtotal: int, total: int) -> dict[str, Any]:
    return {
        "title": data.title,
        "customer_id": data.customer_id,
        "opportunity_id": data.opportunity_id,
        "quote_id": data.quote_id,
        "sign_date": data.sign_date,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "subtotal_fen": subtotal,
        "discount_fen": data.discount_fen,
        "amount_fen": total,
        "note": data.note,
    }


async def create_contract(principal: Principal, data: ContractWrite) -> ContractRead:
    lines, subtotal, total = await _checked(principal, data)
    now = clock.utc_now()
    async with unit_of_work():
        contract = await Contract.create(
            number=await numbers.draw(rules.PREFIX),
            owner_id=principal.staff_id,
            department_id=principal.department_id,
            created_at=now,
            updated_at=now,
            **_fields(data, subtotal, total),
        )
        await _write_lines(contract, lines)
        await audit.record(
            actor_of(principal),
            "sales.contract_created",
            target_type="sales_contract",
            target_id=contract.id,
            after=_audit_view(contract, lines),
        )
    return await get_contract(principal, contract.id)


async def create_from_quote(principal: Principal, data: ContractFromQuote) -> ContractRead:
    """A draft contract carrying the quote's customer, lines (at the quoted prices and
    discounts) and whole-quote discount."""
    quote = await quotes.get_quote(principal, data.quote_id)
    if quote.status not in (QuoteStatus.SENT, QuoteStatus.ACCEPTED):
        raise ContractQuoteNotUsableError(field="quote_id")
    written = ContractWrite(
        title=data.title or f"{quote.customer_name} 合同（{quote.number}）"[:64],
        customer_id=quote.customer_id,
        quote_id=quote.id,
        discount_fen=quote.discount_fen,
        note=quote.note,
        lines=[
            ContractLineIn(
                sku_id=li.sku_id,
                quantity=li.quantity,
                unit_price_fen=li.unit_price_fen,
                discount_bp=li.discount_bp,
            )
            for li in quote.lines
        ],
    )
    return await create_contract(principal, written)


async def update_contract(
    principal: Principal, contract_id: int, data: ContractWrite
) -> ContractRead:
    await contract_in_scope(principal, contract_id)
    lines, subtotal, total = await _checked(principal, data)
    async with unit_of_work():
        contract = await contract_in_scope(principal, contract_id, lock=True)
        await locks.assert_unlocked(KIND, contract.id)
        if contract.status != ContractStatus.DRAFT:
            raise ContractNotEditableError()
        before = _audit_view(contract, await ContractLine.filter(contract_id=contract.id))
        contract.update_from_dict({**_fields(data, subtotal, total), "updated_at": clock.utc_now()})
        await contract.save()
        await _write_lines(contract, lines)
        changed = audit.changes(before, _audit_view(contract, lines))
        await audit.record(
            actor_of(principal),
            "sales.contract_updated",
            target_type="sales_contract",
            target_id=contract.id,
            before=changed[0],
            after=changed[1],
        )
    return await get_contract(principal, contract.id)


async def change_status(
    principal: Principal, contract_id: int, data: ContractStatusChange
) -> ContractRead:
    async with unit_of_work():
        contract = await contract_in_scope(principal, contract_id, lock=True)
        current, target = contract.status, data.status
        held = await locks.is_locked(KIND, contract.id)
        shown = rules.shown_status(current, held)
        if not rules.may_move(current, target) or shown == rules.REVIEWING:
            raise ContractStatusMoveError(
                current=rules.LABELS[shown if shown == rules.REVIEWING else current],
                target=rules.LABELS[target],
                field="status",
            )
        contract.status, contract.updated_at = target, clock.utc_now()
        if target == ContractStatus.SIGNED:
            contract.sign_date = data.sign_date or clock.local_now().date()
        await contract.save(update_fields=["status", "sign_date", "updated_at"])
        await audit.record(
            actor_of(principal),
            "sales.contract_status_changed",
            target_type="sales_contract",
            target_id=contract.id,
            before={"status": current.value},
            after={"status": target.value},
        )
    return await get_contract(principal, contract.id)


async def mark_approved(contract_id: int, actor: audit.Actor) -> None:
    """The approval engine's hook, inside its deciding transaction."""
    contract = await Contract.select_for_update().get(id=contract_id)
    await Contract.filter(id=contract_id).update(
        status=ContractStatus.APPROVED, updated_at=clock.utc_now()
    )
    await audit.record(
        actor,
        "sales.contract_status_changed",
        target_type="sales_contract",
        target_id=contract_id,
        before={"status": contract.status.value},
        after={"status": ContractStatus.APPROVED.value},
    )
