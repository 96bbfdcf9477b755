"""Opportunities at a given stage for tests (the stages are seeded on first use)."""

from datetime import date

from crm_core import clock
from crm_core.customers.models import Customer
from crm_core.org.models import Staff
from crm_core.sales.leads.models import Lead
from crm_core.sales.opportunities.models import Opportunity, Stage, StageVisit
from crm_core.sales.opportunities.service.stages import ensure_defaults


async def stage(name: str) -> Stage:
    await ensure_defaults()
    return await Stage.get(name=name)


async def make_opportunity(
    customer: Customer,
    owner: Staff,
    *,
    amount_fen: int = 100_000,
    stage_name: str = "初次沟通",
    close: date = date(2027, 1, 15),
    name: str = "年度采购",
) -> Opportunity:
    now = clock.utc_now()
    at = await stage(stage_name)
    row = await Opportunity.create(
        customer=customer,
        name=name,
        amount_fen=amount_fen,
        expected_close_date=close,
        stage=at,
        status="won" if at.is_won else "lost" if at.is_lost else "open",
        won_at=now if at.is_won else None,
        owner_id=owner.id,
        stage_entered_at=now,
        created_at=now,
        updated_at=now,
    )
    await StageVisit.create(opportunity=row, stage=at, entered_at=now)
    return row


async def make_lead(owner: Staff, name: str, phone: str, **values: object) -> Lead:
    from crm_core.customers import rules

    now = clock.utc_now()
    return await Lead.create(
        name=name,
        phone=rules.normalize_phone(phone),
        owner_id=owner.id,
        department_id=owner.department_id,  # type: ignore[attr-defined]
        created_at=now,
        updated_at=now,
        **values,
    )
