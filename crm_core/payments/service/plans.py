"""Payment plans of contracts (回款计划): instalments edited by whoever may edit the contract, as
long as the contract binds (not void or completed) and the instalment has no receipt yet; the
instalments never add up to more than the contract amount. Paid and status are derived from the
receipts that name the instalment. Every write holds the contract's row lock, as receipts do."""

from collections import defaultdict
from datetime import date

from crm_core import audit, clock
from crm_core.db import unit_of_work
from crm_core.payments import repository, rules
from crm_core.payments.errors import (
    InstalmentHasReceiptsError,
    InstalmentNotFoundError,
    PlanExceedsContractError,
    PlanNotEditableError,
)
from crm_core.payments.models import Instalment, ReceiptStatus
from crm_core.payments.schemas import InstalmentRead, InstalmentWrite, PlanRead
from crm_core.permissions import Principal
from crm_core.sales.contracts.models import Contract, ContractStatus
from crm_core.sales.contracts.service.contracts import contract_in_scope

CLOSED = frozenset({ContractStatus.VOID, ContractStatus.COMPLETED})


class Sums:
    """Pending and confirmed receipts per contract and per instalment."""

    def __init__(self, rows: list[tuple[int, int | None, str, int]]) -> None:
        self.contract: dict[tuple[int, str], int] = defaultdict(int)
        self.instalment: dict[tuple[int, str], int] = defaultdict(int)
        for contract_id, plan_id, status, total in rows:
            self.contract[(contract_id, status)] += total
            if plan_id is not None:
                self.instalment[(plan_id, status)] += total

    def paid(self, instalment_id: int) -> int:
        return self.instalment[(instalment_id, ReceiptStatus.CONFIRMED.value)]

    def pending(self, instalment_id: int) -> int:
        return self.instalment[(instalment_id, ReceiptStatus.PENDING.value)]

    def remaining(self, contract: Contract) -> int:
        taken = sum(self.contract[(contract.id, s.value)] for s in _COUNTED)
        return int(contract.amount_fen) - taken


_COUNTED = (ReceiptStatus.PENDING, ReceiptStatus.CONFIRMED)


async def sums_of(contract_ids: list[int]) -> Sums:
    return Sums(await repository.receipt_sums(contract_ids))


def _read(contract: Contract, rows: list[Instalment], sums: Sums, today: date) -> PlanRead:
    items = [
        InstalmentRead(
            id=i.id,
            seq=seq,
            due_on=i.due_on,
            amount_fen=i.amount_fen,
            note=i.note,
            paid_fen=sums.paid(i.id),
            pending_fen=sums.pending(i.id),
            status=rules.instalment_status(i.amount_fen, sums.paid(i.id), i.due_on, today),  # type: ignore[arg-type]
        )
        for seq, i in enumerate(rows, start=1)
    ]
    return PlanRead(
        contract_id=contract.id,
        contract_number=contract.number,
        customer_id=contract.customer_id,
        contract_amount_fen=contract.amount_fen,
        planned_fen=sum(i.amount_fen for i in rows),
        paid_fen=sums.contract[(contract.id, ReceiptStatus.CONFIRMED.value)],
        pending_fen=sums.contract[(contract.id, ReceiptStatus.PENDING.value)],
        remaining_fen=sums.remaining(contract),
        editable=contract.status not in CLOSED,
        instalments=items,
    )


async def _plan_of(contract: Contract) -> PlanRead:
    rows = await repository.instalments_of([contract.id])
    return _read(contract, list(rows), await sums_of([contract.id]), clock.local_now().date())


async def get_plan(principal: Principal, contract_id: int) -> PlanRead:
    return await _plan_of(await contract_in_scope(principal, contract_id))


async def _locked(principal: Principal, contract_id: int) -> Contract:
    contract = await contract_in_scope(principal, contract_id, lock=True)
    if contract.status in CLOSED:
        raise PlanNotEditableError()
    return contract


async def _check_total(contract: Contract, data: InstalmentWrite, *, besides: int | None) -> None:
    others = [i for i in await repository.instalments_of([contract.id]) if i.id != besides]
    planned = sum(i.amount_fen for i in others) + data.amount_fen
    if planned > contract.amount_fen:
        raise PlanExceedsContractError(
            planned=rules.yuan(planned), amount=rules.yuan(contract.amount_fen), field="amount_fen"
        )


async def _untouched(contract: Contract, instalment_id: int) -> Instalment:
    instalment = await Instalment.get_or_none(id=instalment_id, contract_id=contract.id)
    if instalment is None:
        raise InstalmentNotFoundError()
    sums = await sums_of([contract.id])
    if sums.paid(instalment.id) or sums.pending(instalment.id):
        raise InstalmentHasReceiptsError()
    return instalment


def _view(data: InstalmentWrite | Instalment) -> dict[str, object]:
    return {"due_on": str(data.due_on), "amount_fen": data.amount_fen, "note": data.note}


async def _audit(
    principal: Principal,
    action: str,
    contract: Contract,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    await audit.record(
        audit.actor_of(principal),
        f"payments.instalment_{action}",
        target_type="contract",
        target_id=contract.id,
        before=before,
        after=after,
    )


async def add_instalment(principal: Principal, contract_id: int, data: InstalmentWrite) -> PlanRead:
    async with unit_of_work():
        contract = await _locked(principal, contract_id)
        await _check_total(contract, data, besides=None)
        now = clock.utc_now()
        await Instalment.create(
            contract_id=contract.id, **data.model_dump(), created_at=now, updated_at=now
        )
        await _audit(principal, "added", contract, None, _view(data))
    return await _plan_of(contract)


async def update_instalment(
    principal: Principal, contract_id: int, instalment_id: int, data: InstalmentWrite
) -> PlanRead:
    async with unit_of_work():
        contract = await _locked(principal, contract_id)
        instalment = await _untouched(contract, instalment_id)
        await _check_total(contract, data, besides=instalment.id)
        before = _view(instalment)
        await Instalment.filter(id=instalment.id).update(
            **data.model_dump(), updated_at=clock.utc_now()
        )
        await _audit(principal, "updated", contract, before, _view(data))
    return await _plan_of(contract)


async def delete_instalment(principal: Principal, contract_id: int, instalment_id: int) -> PlanRead:
    async with unit_of_work():
        contract = await _locked(principal, contract_id)
        instalment = await _untouched(contract, instalment_id)
        await instalment.delete()
        await _audit(principal, "deleted", contract, _view(instalment), None)
    return await _plan_of(contract)


async def paid_by_contract(contract_ids: list[int]) -> dict[int, tuple[int, int]]:
    """contract -> (confirmed, pending) receipts, for the 360 and the contract list."""
    sums = await sums_of(contract_ids)
    return {
        c: (
            sums.contract[(c, ReceiptStatus.CONFIRMED.value)],
            sums.contract[(c, ReceiptStatus.PENDING.value)],
        )
        for c in contract_ids
    }
