"""Contracts as an approvable kind: a draft goes to review with its own amount driving the
chain; approval moves it to 已通过 and it stays locked (content edits answer record_locked)."""

from crm_core import audit
from crm_core.approvals import rules as approval_rules
from crm_core.approvals.registry import ApprovableKind, Subject, register_kind
from crm_core.permissions import Principal
from crm_core.sales.contracts.errors import ContractNotEditableError
from crm_core.sales.contracts.models import ContractStatus
from crm_core.sales.contracts.service import contracts


async def describe(principal: Principal, contract_id: int, _: int | None) -> Subject:
    contract = await contracts.contract_in_scope(principal, contract_id)
    if contract.status != ContractStatus.DRAFT:
        raise ContractNotEditableError()
    title = f"合同 {contract.number} {contract.title} {approval_rules.yuan(contract.amount_fen)} 元"
    return Subject(title=title, amount_fen=contract.amount_fen)


async def on_approved(contract_id: int, _: int, actor: audit.Actor) -> None:
    await contracts.mark_approved(contract_id, actor)


def register() -> None:
    register_kind(
        ApprovableKind(
            code=contracts.KIND,
            label="合同",
            describe=describe,
            on_approved=on_approved,
            detail_url="/admin/contracts/{id}",
        )
    )
