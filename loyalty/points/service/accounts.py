"""Member-facing and staff-facing points use cases: read, earn, redeem, adjust, expire."""

import logging
from datetime import datetime

from crm_core import audit, clock
from crm_core.audit import SYSTEM, Actor, actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from loyalty.errors import DuplicateRequestError
from loyalty.points import repository
from loyalty.points.models import Account, EntryKind, Lifecycle, LotStatus, PointsLot
from loyalty.points.schemas import (
    AccountRead,
    AdjustmentCreate,
    EntryPage,
    EntryRead,
    MemberAccountPage,
    MemberAccountRead,
)
from loyalty.points.service.ledger import Posted, Source, credit, debit
from members import service as members_service

log = logging.getLogger("scrm.loyalty")


async def get_account(member_id: int) -> AccountRead:
    async with unit_of_work():
        account = await repository.lock_account(member_id)
    return AccountRead.model_validate(account)


async def account_for_staff(principal: Principal, member_id: int) -> AccountRead:
    await members_service.get_member(principal, member_id)
    account = await Account.get_or_none(member_id=member_id)
    if account is None:
        # Reads never write: a member who has never earned shows an empty account.
        return AccountRead(
            member_id=member_id,
            balance=0,
            lifetime_earned=0,
            tier_id=None,
            tier_since=None,
            lifecycle=Lifecycle.NEW,
            last_purchase_at=None,
            birthday=None,
        )
    return AccountRead.model_validate(account)


async def entries_for_staff(
    principal: Principal, member_id: int, *, page: int = 1, page_size: int = 50
) -> EntryPage:
    await members_service.get_member(principal, member_id)
    rows, total = await repository.entries_for(member_id, page=page, page_size=page_size)
    return EntryPage(
        items=[EntryRead.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


async def earn_points(
    member_id: int,
    points: int,
    *,
    kind: EntryKind,
    key: str,
    source: Source = Source(),
    reason: str = "",
    actor: Actor = SYSTEM,
) -> Posted:
    """Internal earning (follow, check-in, profile, review, invitation); replays are silent."""
    async with unit_of_work():
        account = await repository.lock_account(member_id)
        return await credit(
            account, points, kind=kind, key=key, source=source, reason=reason, actor=actor
        )


async def redeem_points(
    member_id: int, points: int, *, key: str, reason: str = "", actor: Actor = SYSTEM
) -> EntryRead:
    """A second request with the same key is refused (409) and changes nothing."""
    async with unit_of_work():
        account = await repository.lock_account(member_id)
        posted = await debit(
            account, points, kind=EntryKind.REDEEM, key=key, reason=reason, actor=actor
        )
    if posted.replayed:
        raise DuplicateRequestError(entry_id=posted.entry.id)
    return posted.entry


async def redeem_for_staff(
    principal: Principal, member_id: int, points: int, *, key: str, reason: str = ""
) -> EntryRead:
    """A till redemption: the ledger row and its audit row commit together."""
    await members_service.get_member(principal, member_id)
    actor = actor_of(principal)
    async with unit_of_work():
        account = await repository.lock_account(member_id)
        before = account.balance
        posted = await debit(
            account, points, kind=EntryKind.REDEEM, key=key, reason=reason, actor=actor
        )
        if not posted.replayed:
            await audit.record(
                actor,
                "points.redeem",
                target_type="member",
                target_id=member_id,
                before={"balance": before},
                after={"balance": account.balance, "entry_id": posted.entry.id},
                reason=reason,
            )
    if posted.replayed:
        raise DuplicateRequestError(entry_id=posted.entry.id)
    return posted.entry


async def adjust_points(principal: Principal, member_id: int, data: AdjustmentCreate) -> EntryRead:
    """A staff correction with a reason, written to the audit log in the same transaction."""
    await members_service.get_member(principal, member_id)
    actor = actor_of(principal)
    async with unit_of_work():
        account = await repository.lock_account(member_id)
        before = account.balance
        post = credit if data.delta > 0 else debit
        posted = await post(
            account,
            abs(data.delta),
            kind=EntryKind.ADJUST,
            key=data.idempotency_key,
            reason=data.reason,
            actor=actor,
        )
        if not posted.replayed:
            await audit.record(
                actor,
                "points.adjust",
                target_type="member",
                target_id=member_id,
                before={"balance": before},
                after={"balance": account.balance, "entry_id": posted.entry.id},
                reason=data.reason,
            )
    if posted.replayed:
        raise DuplicateRequestError(entry_id=posted.entry.id)
    return posted.entry


async def expire_points(now: datetime | None = None) -> int:
    """Expire every lot due by now, one account per transaction; returns entries written.

    Keyed expire:{lot_id}, and a lot leaves the active set once expired, so reruns add nothing.
    """
    now = now or clock.utc_now()
    written = 0
    while account_ids := await repository.accounts_with_due_lots(now):
        for account_id in account_ids:
            written += await _expire_account(account_id, now)
    return written


async def _expire_account(account_id: int, now: datetime) -> int:
    written = 0
    async with unit_of_work():
        member_id = (await Account.get(id=account_id)).member_id
        account = await repository.lock_account(member_id)
        for lot in await repository.due_lots(account_id, now):
            if lot.remaining > 0:
                await debit(
                    account,
                    lot.remaining,
                    kind=EntryKind.EXPIRE,
                    key=f"expire:{lot.id}",
                    source=Source("lot", str(lot.id)),
                    lots=[lot],
                )
                written += 1
            await PointsLot.filter(id=lot.id).update(status=LotStatus.EXPIRED)
    return written


async def check_invariants() -> list[tuple[str, int]]:
    return await repository.invariant_violations()


async def report_violations() -> int:
    violations = await repository.invariant_violations()
    for rule, account_id in violations:
        log.error("ledger invariant %s broken for account %s", rule, account_id)
    return len(violations)


async def member_points(member_id: int, *, limit: int = 20) -> tuple[AccountRead, list[EntryRead]]:
    """The member's own view (member center): balance and the latest entries; reads only."""
    account = await Account.get_or_none(member_id=member_id)
    read = (
        AccountRead.model_validate(account)
        if account
        else AccountRead(
            member_id=member_id,
            balance=0,
            lifetime_earned=0,
            tier_id=None,
            tier_since=None,
            lifecycle=Lifecycle.NEW,
            last_purchase_at=None,
            birthday=None,
        )
    )
    rows, _ = await repository.entries_for(member_id, page=1, page_size=limit)
    return read, [EntryRead.model_validate(r) for r in rows]


async def list_accounts(
    principal: Principal, *, q: str = "", page: int = 1, page_size: int = 30
) -> MemberAccountPage:
    """Members in scope (newest first, `q` as the member search box) with their balances; a
    member who never earned shows zeros."""
    members, total = await members_service.list_members(
        principal, phone=q, page=page, page_size=page_size
    )
    held = {
        a.member_id: a
        for a in await Account.filter(member_id__in=[m.id for m in members])  # type: ignore[attr-defined]
    }
    items = []
    for member in members:
        account = held.get(member.id)
        items.append(
            MemberAccountRead(
                member_id=member.id,
                name=member.name,
                phone=member.phone,
                card_no=member.card_no,
                balance=account.balance if account else 0,
                lifetime_earned=account.lifetime_earned if account else 0,
                tier_id=account.tier_id if account else None,  # type: ignore[attr-defined]
            )
        )
    return MemberAccountPage(items=items, total=total, page=page, page_size=page_size)
