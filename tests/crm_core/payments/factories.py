"""A finance team beside the sales team: a cashier and a finance head in 财务部, accounts."""

from dataclasses import dataclass
from datetime import date

from crm_core import clock
from crm_core.customers.models import Customer
from crm_core.org.models import Department, Staff
from crm_core.org.service.auth import principal_for
from crm_core.payments.models import AccountKind, FundAccount, JournalEntry
from crm_core.payments.schemas import FundAccountCreate
from crm_core.payments.service import accounts
from crm_core.permissions import Principal
from crm_core.sales.contracts.models import Contract, ContractStatus
from tests.crm_core.customers.factories import Team, make_team
from tests.factories import make_staff


@dataclass
class Finance:
    team: Team
    cashier: Staff
    head: Staff


async def make_finance() -> Finance:
    team = await make_team()
    root = await Department.get(name="总部")
    office = await Department.create(name="财务部", parent=root)
    return Finance(
        team=team,
        cashier=await make_staff("finance", department=office, username="cashier"),
        head=await make_staff("finance", department=office, username="head"),
    )


async def principal(staff: Staff) -> Principal:
    found = await principal_for(staff.id, ip="203.0.113.7", user_agent="test")
    assert found is not None
    return found


async def make_account(
    who: Staff, name: str, kind: AccountKind = AccountKind.CASH, opening_fen: int = 0
) -> FundAccount:
    data = FundAccountCreate(
        name=name, kind=kind, opening_balance_fen=opening_fen, opened_on=date(2026, 5, 1)
    )
    read = await accounts.create_account(await principal(who), data)
    return await FundAccount.get(id=read.id)


async def ledger_rows() -> list[tuple[object, ...]]:
    return [
        *await FundAccount.all().order_by("id").values_list("name", "balance_fen"),
        *await JournalEntry.all()
        .order_by("id")
        .values_list("account_id", "kind", "amount_fen", "balance_after_fen"),
    ]


async def make_contract(
    owner: Staff,
    customer: Customer,
    amount_fen: int,
    number: str,
    status: ContractStatus = ContractStatus.SIGNED,
) -> Contract:
    """A contract row as the contracts package leaves it after review (lines don't matter here)."""
    now = clock.utc_now()
    return await Contract.create(
        number=number,
        title="年度供货合同",
        customer_id=customer.id,
        owner_id=owner.id,
        department_id=owner.department_id,  # type: ignore[attr-defined]
        status=status,
        subtotal_fen=amount_fen,
        amount_fen=amount_fen,
        created_at=now,
        updated_at=now,
    )
