"""Pure rules of approvals: which steps of a flow apply to an amount, and the seed's default."""

from collections.abc import Iterable, Mapping
from typing import Any

# The seed: below 10,000 元 the sales manager alone; from 10,000 元 the director as well.
DIRECTOR_THRESHOLD_FEN = 1_000_000
DEFAULT_REMIND_AFTER_HOURS = 24


def default_steps() -> list[dict[str, Any]]:
    return [
        {
            "name": "销售经理审批",
            "approver_type": "role",
            "role": "sales_manager",
            "staff_id": None,
            "min_amount_fen": None,
            "max_amount_fen": None,
        },
        {
            "name": "销售总监审批",
            "approver_type": "role",
            "role": "sales_director",
            "staff_id": None,
            "min_amount_fen": DIRECTOR_THRESHOLD_FEN,
            "max_amount_fen": None,
        },
    ]


def step_applies(step: Mapping[str, Any], amount_fen: int) -> bool:
    """A step's amount range: from `min_amount_fen` (inclusive) below `max_amount_fen`."""
    low, high = step.get("min_amount_fen"), step.get("max_amount_fen")
    return (low is None or amount_fen >= low) and (high is None or amount_fen < high)


def first_open(seqs_and_statuses: Iterable[tuple[int, str]], after: int) -> int | None:
    """The next step after `after` that still waits for a decision (skipped steps do not)."""
    for seq, status in sorted(seqs_and_statuses):
        if seq > after and status == "waiting":
            return seq
    return None


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100:,}.{amount_fen % 100:02d}"
