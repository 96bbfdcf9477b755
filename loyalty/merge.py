"""The loyalty half of a member merge (registered into members.merge at boot).

Moves member B's loyalty assets to A inside the merge transaction:
- points through the ledger: one debit on B keyed `merge:{id}:out`, and credits on A keyed
  `merge:{id}:in` (one per expiry date of B's lots, `merge:{id}:in:2`, … for the others), so the
  ledger stays append-only, every balance equals its ledger sum, and B's points keep their
  expiry dates; lifetime_earned moves with them;
- coupons, lottery awards and mall orders are re-pointed to A, renumbered after A's own (their
  per-member sequence numbers are unique), with the old numbers kept for the undo;
- the follow-gift grant moves when A has none (once per person ever).
Draws (an append-only log) and check-ins (one per member and day) stay with B as history.
The undo reverses each step: ledger entries keyed `merge:{id}:undo:…`, rows pointed back.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from tortoise.expressions import F

from crm_core.errors import ConflictError
from loyalty.coupons.models import Coupon
from loyalty.gifts.models import FollowGiftGrant
from loyalty.lottery.models import Award
from loyalty.mall.models import MallOrder
from loyalty.points import repository
from loyalty.points.models import Account, EntryKind, LotStatus, PointsLot
from loyalty.points.service.ledger import Source, credit, debit
from members.merge import MergeContext, MergeHook

# (model, the column holding the per-member sequence, the column it is unique within)
_REPOINTED: dict[str, tuple[Any, str, str]] = {
    "coupons": (Coupon, "seq", "template_id"),
    "awards": (Award, "win_seq", "activity_id"),
    "mall_orders": (MallOrder, "seq", "item_id"),
}


class MergeUndoPointsSpentError(ConflictError):
    code = "merge_undo_points_spent"
    message = "合并转入的积分已被使用（当前可用 {balance}，需退回 {moved}），无法撤销合并"


async def _account(member_id: int) -> Account | None:
    return await Account.select_for_update().get_or_none(member_id=member_id)


async def _lock_accounts(context: MergeContext) -> dict[int, Account | None]:
    # Account locks in member-id order, as everywhere else two accounts are locked.
    return {m: await _account(m) for m in sorted((context.target_id, context.source_id))}


def _groups(lots: list[PointsLot]) -> list[tuple[datetime | None, int]]:
    """Remaining points per expiry date, soonest first (never-expiring last)."""
    totals: dict[datetime | None, int] = defaultdict(int)
    for lot in lots:
        totals[lot.expires_at] += lot.remaining
    return sorted(totals.items(), key=lambda g: (g[0] is None, g[0].timestamp() if g[0] else 0))


async def _transfer(
    source: Account,
    target: Account,
    *,
    prefix: str,
    groups: list[tuple[datetime | None, int]],
    lots: list[PointsLot] | None,
    origin: Source,
    reason: str,
) -> list[int]:
    """One debit `{prefix}:out`, then a credit `{prefix}:in` (`:in:2`, … per expiry date)."""
    total = sum(points for _, points in groups)
    out = await debit(
        source,
        total,
        kind=EntryKind.ADJUST,
        key=f"{prefix}:out",
        source=origin,
        reason=reason,
        lots=lots,
    )
    entries = [out.entry.id]
    for index, (expires_at, points) in enumerate(groups, start=1):
        key = f"{prefix}:in" + (f":{index}" if index > 1 else "")
        posted = await credit(
            target,
            points,
            kind=EntryKind.ADJUST,
            key=key,
            source=origin,
            reason=reason,
            expires_at=expires_at,
        )
        entries.append(posted.entry.id)
    return entries


async def preview(target_id: int, source_id: int) -> list[tuple[str, str]]:
    account = await Account.get_or_none(member_id=source_id)
    items = [("可用积分", str(account.balance if account else 0))]
    labels = {"coupons": "优惠券", "awards": "抽奖奖品", "mall_orders": "积分商城订单"}
    for name, (model, _, _) in _REPOINTED.items():
        items.append((labels[name], str(await model.filter(member_id=source_id).count())))
    return items


async def move(context: MergeContext) -> dict[str, Any]:
    accounts = await _lock_accounts(context)
    source = accounts[context.source_id]
    moved: dict[str, Any] = {"points": 0, "groups": [], "entries": [], "lifetime": 0}
    if source is not None and source.balance > 0:
        target = accounts[context.target_id] or await repository.lock_account(context.target_id)
        groups = _groups(await repository.spendable_lots(source.id))
        moved["entries"] = await _transfer(
            source,
            target,
            prefix=f"merge:{context.merge_id}",
            groups=groups,
            lots=None,
            origin=Source("member_merge", str(context.merge_id)),
            reason=f"会员合并：#{context.source_id} → #{context.target_id}",
        )
        moved["points"] = sum(points for _, points in groups)
        moved["groups"] = [[e.isoformat() if e else None, p] for e, p in groups]
        # credit() counted the moved balance as earned; A's lifetime becomes the sum of both.
        moved["lifetime"] = source.lifetime_earned
        await Account.filter(id=target.id).update(
            lifetime_earned=F("lifetime_earned") + (source.lifetime_earned - moved["points"])
        )
    for name, (model, seq, within) in _REPOINTED.items():
        moved[name] = await _repoint(model, seq, within, context.source_id, context.target_id)
    grant = await FollowGiftGrant.get_or_none(member_id=context.source_id)
    moved["follow_gift_grant"] = None
    if grant is not None and not await FollowGiftGrant.exists(member_id=context.target_id):
        await FollowGiftGrant.filter(id=grant.id).update(member_id=context.target_id)
        moved["follow_gift_grant"] = grant.id
    return moved


async def _repoint(
    model: Any, seq: str, within: str, source_id: int, target_id: int
) -> list[list[int]]:
    """Point rows at the target, numbered after its own; returns [id, old seq, new seq]."""
    rows = await model.filter(member_id=source_id).order_by(within, seq)
    top: dict[int, int] = {}
    moved = []
    for row in rows:
        group = getattr(row, within)
        if group not in top:
            last = (
                await model.filter(member_id=target_id, **{within: group})
                .order_by(f"-{seq}")
                .first()
            )
            top[group] = getattr(last, seq) if last else 0
        top[group] += 1
        moved.append([row.id, getattr(row, seq), top[group]])
    for row_id, _, new in moved:
        await model.filter(id=row_id).update(member_id=target_id, **{seq: new})
    return moved


async def _point_back(model: Any, seq: str, rows: list[list[int]], source_id: int) -> None:
    for row_id, old, _ in rows:
        await model.filter(id=row_id).update(member_id=source_id, **{seq: old})


async def undo(context: MergeContext, moved: dict[str, Any]) -> None:
    accounts = await _lock_accounts(context)
    if moved["points"] > 0:
        target = accounts[context.target_id]
        source = accounts[context.source_id]
        assert target is not None
        assert source is not None
        if target.balance < moved["points"]:
            raise MergeUndoPointsSpentError(balance=target.balance, moved=moved["points"])
        # Take back the very lots the merge created while they hold enough, else FIFO.
        merged_lots = await PointsLot.filter(
            entry_id__in=moved["entries"][1:], status=LotStatus.ACTIVE, remaining__gt=0
        )
        covered = sum(lot.remaining for lot in merged_lots) >= moved["points"]
        groups = [(datetime.fromisoformat(e) if e else None, int(p)) for e, p in moved["groups"]]
        await _transfer(
            target,
            source,
            prefix=f"merge:{context.merge_id}:undo",
            groups=groups,
            lots=merged_lots if covered else None,
            origin=Source("member_merge", str(context.merge_id)),
            reason=f"撤销会员合并：#{context.target_id} → #{context.source_id}",
        )
        await Account.filter(id=target.id).update(
            lifetime_earned=F("lifetime_earned") - moved["lifetime"]
        )
        await Account.filter(id=source.id).update(
            lifetime_earned=F("lifetime_earned") - moved["points"]
        )
    for name, (model, seq, _) in _REPOINTED.items():
        await _point_back(model, seq, moved[name], context.source_id)
    if moved["follow_gift_grant"] is not None:
        await FollowGiftGrant.filter(id=moved["follow_gift_grant"]).update(
            member_id=context.source_id
        )


HOOK = MergeHook(name="loyalty", preview=preview, move=move, undo=undo)
