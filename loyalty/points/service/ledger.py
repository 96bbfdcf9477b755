"""The two ledger primitives, credit and debit, for callers that hold the account lock.

Each writes one append-only entry, its lot or lot allocations, and an F() update of the balance,
inside the caller's transaction. The idempotency key is checked after the lock is taken, so two
requests with one key serialise and the second sees the first (the unique index is the backstop).
"""

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import F

from crm_core import clock, jobs
from crm_core.audit import SYSTEM, Actor
from loyalty import events
from loyalty.errors import IdempotencyKeyConflictError, InsufficientPointsError
from loyalty.points import repository, rules
from loyalty.points.models import Account, EntryKind, LotAllocation, PointsEntry, PointsLot
from loyalty.points.schemas import EntryRead
from loyalty.program.models import Program


@dataclass(frozen=True)
class Posted:
    entry: EntryRead
    replayed: bool


@dataclass(frozen=True)
class Source:
    type: str = ""
    id: str = ""


async def _replay(account: Account, key: str, digest: str) -> Posted | None:
    existing = await repository.entry_by_key(key)
    if existing is None:
        return None
    if existing.account_id != account.id or existing.request_hash != digest:
        raise IdempotencyKeyConflictError()
    return Posted(EntryRead.model_validate(existing), replayed=True)


async def credit(
    account: Account,
    points: int,
    *,
    kind: EntryKind,
    key: str,
    source: Source = Source(),
    reason: str = "",
    actor: Actor = SYSTEM,
    expires_at: datetime | bool | None = True,
) -> Posted:
    """Add points as a new lot. expires_at=True applies the programme's validity period."""
    assert points > 0, points
    digest = rules.fingerprint(
        member=account.member_id, kind=kind, delta=points, source=[source.type, source.id]
    )
    if (replayed := await _replay(account, key, digest)) is not None:
        return replayed
    now = clock.utc_now()
    if expires_at is True:
        program = await Program.get_or_none(id=1)
        expires_at = rules.expires_at(now, program.points_validity_days if program else 0)
    entry = await PointsEntry.create(
        account_id=account.id,
        kind=kind,
        delta=points,
        balance_after=account.balance + points,
        idempotency_key=key,
        request_hash=digest,
        source_type=source.type,
        source_id=source.id,
        reason=reason,
        actor_id=actor.id,
        actor_name=actor.name,
        created_at=now,
    )
    await PointsLot.create(
        account_id=account.id,
        entry_id=entry.id,
        original=points,
        remaining=points,
        earned_at=now,
        expires_at=expires_at if isinstance(expires_at, datetime) else None,
    )
    await Account.filter(id=account.id).update(
        balance=F("balance") + points, lifetime_earned=F("lifetime_earned") + points
    )
    account.balance += points
    jobs.enqueue(events.POINTS_CHANGED, entry_id=entry.id)
    return Posted(EntryRead.model_validate(entry), replayed=False)


async def debit(
    account: Account,
    points: int,
    *,
    kind: EntryKind,
    key: str,
    source: Source = Source(),
    reason: str = "",
    actor: Actor = SYSTEM,
    first_lot: int | None = None,
    partial: bool = False,
    lots: list[PointsLot] | None = None,
) -> Posted:
    """Take points from lots, soonest-expiring first.

    partial=True (refund reversals) takes what the balance allows and records the rest as
    forgiven instead of refusing.
    """
    assert points > 0, points
    digest = rules.fingerprint(
        member=account.member_id, kind=kind, delta=-points, source=[source.type, source.id]
    )
    if (replayed := await _replay(account, key, digest)) is not None:
        return replayed
    if account.balance < points and not partial:
        raise InsufficientPointsError(balance=account.balance, requested=points)
    amount = min(points, account.balance)
    available = lots if lots is not None else await repository.spendable_lots(account.id)
    taken = rules.allocate(
        [rules.Lot(lot.id, lot.remaining, lot.earned_at, lot.expires_at) for lot in available],
        amount,
        first=first_lot,
    )
    # The balance equals the sum of active lots (an invariant), so the lots always cover it.
    assert sum(t for _, t in taken) == amount, (taken, amount)
    entry = await PointsEntry.create(
        account_id=account.id,
        kind=kind,
        delta=-amount,
        balance_after=account.balance - amount,
        forgiven=points - amount,
        idempotency_key=key,
        request_hash=digest,
        source_type=source.type,
        source_id=source.id,
        reason=reason,
        actor_id=actor.id,
        actor_name=actor.name,
        created_at=clock.utc_now(),
    )
    if taken:
        await LotAllocation.bulk_create(
            [LotAllocation(entry_id=entry.id, lot_id=lot_id, amount=take) for lot_id, take in taken]
        )
        for lot_id, take in taken:
            await PointsLot.filter(id=lot_id).update(remaining=F("remaining") - take)
        await Account.filter(id=account.id).update(balance=F("balance") - amount)
        account.balance -= amount
        jobs.enqueue(events.POINTS_CHANGED, entry_id=entry.id)
    return Posted(EntryRead.model_validate(entry), replayed=False)
