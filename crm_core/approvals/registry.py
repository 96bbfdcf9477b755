"""Approvable record kinds. Owning packages add theirs from their `register()` (called by
scrm/), so contracts, orders, quotes or payments plug in without changing the engine."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from crm_core.audit import Actor
from crm_core.permissions import Principal


@dataclass(frozen=True)
class Subject:
    """What a request snapshots of its record when submitted."""

    title: str
    amount_fen: int


# describe(principal, record_id, requested_amount_fen) -> Subject; raises the kind's 404 when
# the record is outside the caller's scope, and its validation errors for a bad amount.
Describe = Callable[[Principal, int, int | None], Awaitable[Subject]]
# on_approved(record_id, amount_fen, actor), run inside the deciding transaction.
Hook = Callable[[int, int, Actor], Awaitable[None]]


@dataclass(frozen=True)
class ApprovableKind:
    code: str
    label: str
    describe: Describe
    on_approved: Hook
    on_rejected: Hook | None = None
    # The console route of a record, "{id}" replaced by its id.
    detail_url: str = ""
    # Approved records stay locked (contracts, orders); False frees them once decided.
    lock_approved: bool = True
    # The chain this kind runs until an admin saves one; empty: the seed's sales default.
    default_steps: tuple[dict[str, Any], ...] = ()


KINDS: dict[str, ApprovableKind] = {}


def register_kind(kind: ApprovableKind) -> None:
    KINDS[kind.code] = kind


def get_kind(code: str) -> ApprovableKind | None:
    return KINDS.get(code)
