"""Pure rules of contracts: the lifecycle after review and the date checks. Line amounts and
totals follow the quotes' rules (crm_core/sales/quotes/rules.py)."""

from datetime import date

from crm_core.sales.contracts.models import ContractStatus

PREFIX = "HT"
REVIEWING = "reviewing"
# Drafts reach "approved" only through the approval engine (crm_core/sales/contracts/approvals.py).
MOVES: dict[ContractStatus, frozenset[ContractStatus]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.VOID}),
    ContractStatus.APPROVED: frozenset({ContractStatus.SIGNED, ContractStatus.VOID}),
    ContractStatus.SIGNED: frozenset({ContractStatus.EXECUTING, ContractStatus.VOID}),
    ContractStatus.EXECUTING: frozenset({ContractStatus.COMPLETED}),
    ContractStatus.COMPLETED: frozenset(),
    ContractStatus.VOID: frozenset(),
}
LABELS = {
    ContractStatus.DRAFT: "草稿",
    REVIEWING: "审核中",
    ContractStatus.APPROVED: "已通过",
    ContractStatus.SIGNED: "已签约",
    ContractStatus.EXECUTING: "执行中",
    ContractStatus.COMPLETED: "已完成",
    ContractStatus.VOID: "已作废",
}
# Orders may be drawn from a contract in these states (seed 2.1.7: 完成线下签约后创建订单).
ORDERABLE = frozenset({ContractStatus.APPROVED, ContractStatus.SIGNED, ContractStatus.EXECUTING})


def may_move(current: ContractStatus, target: ContractStatus) -> bool:
    return target in MOVES[current]


def shown_status(status: ContractStatus, locked: bool) -> str:
    """A draft the approval engine holds is under review (审核中)."""
    return REVIEWING if status == ContractStatus.DRAFT and locked else status.value


def period_ok(start: date | None, end: date | None) -> bool:
    return start is None or end is None or end >= start
