"""Receivables aging (应收账龄) per customer in the payments scope, and the daily reminders of
unpaid instalments (即将到期 / 已逾期) shown to the contract's owner. Outstanding = instalment
amount less its confirmed receipts; drafts and void contracts owe nothing yet."""

from datetime import date

from crm_core import audit, clock, exports
from crm_core.config import get_settings
from crm_core.customers.models import Customer
from crm_core.customers.service._common import owner_label
from crm_core.customers.service.masking import shown_phone
from crm_core.org.models import Staff
from crm_core.payments import repository, rules
from crm_core.payments.models import Instalment, PlanReminder, ReminderKind
from crm_core.payments.schemas import AgingReport, AgingRow, ReminderRead
from crm_core.payments.service.plans import Sums, sums_of
from crm_core.permissions import Principal
from crm_core.sales.contracts.models import Contract


async def _outstanding(
    contracts: list[Contract],
) -> list[tuple[Contract, Instalment, int]]:
    """(contract, instalment, outstanding fen) of every instalment not fully paid."""
    by_id = {c.id: c for c in contracts}
    rows = await repository.instalments_of(list(by_id))
    sums: Sums = await sums_of(list(by_id))
    found = []
    for i in rows:
        left = i.amount_fen - sums.paid(i.id)
        if left > 0:
            found.append((by_id[i.contract_id], i, left))
    return found


async def aging(principal: Principal, today: date | None = None) -> AgingReport:
    today = today or clock.local_now().date()
    contracts = list(await repository.receivable_contracts(principal))
    per_customer: dict[int, list[int]] = {}
    for contract, instalment, left in await _outstanding(contracts):
        row = per_customer.setdefault(contract.customer_id, [0] * len(rules.AGING_LABELS))
        row[rules.aging_bucket(instalment.due_on, today)] += left
    people = {c.id: c for c in await Customer.filter(id__in=list(per_customer))}
    owners = [c.owner_id for c in people.values() if c.owner_id]
    names = dict(await Staff.filter(id__in=owners).values_list("id", "name"))
    items = [
        AgingRow(
            customer_id=cid,
            customer_name=people[cid].name,
            customer_phone=shown_phone(principal, people[cid]),
            owner_name=owner_label(names, people[cid].owner_id),
            buckets=buckets,
            total_fen=sum(buckets),
        )
        for cid, buckets in sorted(per_customer.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    ]
    totals = [sum(r.buckets[n] for r in items) for n in range(len(rules.AGING_LABELS))]
    return AgingReport(
        as_of=today, labels=rules.AGING_LABELS, items=items, totals=totals, total_fen=sum(totals)
    )


async def record_reminders() -> int:
    """The daily beat: one reminder per unpaid instalment per (Shanghai) day when it is due
    within the set days or overdue. Running it again the same day adds nothing."""
    today = clock.local_now().date()
    within = get_settings().payment_reminder_days
    contracts = list(await repository.receivable_contracts(None))
    now = clock.utc_now()
    fresh = [
        PlanReminder(
            instalment_id=i.id,
            contract_id=c.id,
            owner_id=c.owner_id,
            kind=ReminderKind(kind),
            day=today,
            due_on=i.due_on,
            outstanding_fen=left,
            created_at=now,
        )
        for c, i, left in await _outstanding(contracts)
        if (kind := rules.reminder_kind(i.due_on, today, within)) is not None
    ]
    before = await PlanReminder.filter(day=today).count()
    await PlanReminder.bulk_create(fresh, ignore_conflicts=True)
    return await PlanReminder.filter(day=today).count() - before


async def list_reminders(
    principal: Principal, *, mine: bool, day: date | None = None
) -> list[ReminderRead]:
    """The reminders of a day (today by default) in the contracts' scope; `mine`: the caller's
    own contracts only (the workbench)."""
    query = repository.reminders_in_scope(principal).filter(day=day or clock.local_now().date())
    if mine:
        query = query.filter(owner_id=principal.staff_id)
    rows = await query.order_by("due_on", "id")
    contracts = {c.id: c for c in await Contract.filter(id__in={r.contract_id for r in rows})}
    people = dict(
        await Customer.filter(id__in={c.customer_id for c in contracts.values()}).values_list(
            "id", "name"
        )
    )
    return [
        ReminderRead(
            id=r.id,
            kind=r.kind,
            day=r.day,
            due_on=r.due_on,
            outstanding_fen=r.outstanding_fen,
            contract_id=r.contract_id,
            contract_number=contracts[r.contract_id].number,
            customer_name=people[contracts[r.contract_id].customer_id],
            instalment_id=r.instalment_id,
        )
        for r in rows
    ]


async def export_aging(principal: Principal) -> tuple[bytes, date]:
    """The aging table as Excel: phones as the caller sees them, amounts in yuan."""
    report = await aging(principal)
    rows = [
        (
            r.customer_name,
            r.customer_phone,
            r.owner_name,
            *map(rules.yuan, r.buckets),
            rules.yuan(r.total_fen),
        )
        for r in report.items
    ]
    rows.append(("合计", "", "", *map(rules.yuan, report.totals), rules.yuan(report.total_fen)))
    await audit.record(
        audit.actor_of(principal),
        "payments.aging_exported",
        target_type="aging_report",
        after={"as_of": report.as_of.isoformat(), "customers": len(report.items)},
    )
    header = (
        "客户",
        "手机",
        "负责人",
        *(f"{label}（元）" for label in report.labels),
        "合计（元）",
    )
    return exports.to_xlsx(header, rows), report.as_of
