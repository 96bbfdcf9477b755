"""Points for purchases, once per order whatever the retries, and their reversal on refund."""

from tortoise.expressions import F

from crm_core.db import unit_of_work
from crm_core.sales import service as sales_service
from loyalty.points import repository, rules
from loyalty.points.models import Account, EntryKind, PointsEntry
from loyalty.points.schemas import EntryRead
from loyalty.points.service.ledger import Source, credit, debit
from loyalty.program import service as program_service
from loyalty.program.models import Tier


def earn_key(order_id: int) -> str:
    return f"order:{order_id}:earn"


async def award_purchase_points(order_id: int) -> EntryRead | None:
    """Points = spend × points per yuan × the member's tier multiplier, keyed by the order."""
    order = await sales_service.order_by_id(order_id)
    if order is None or order.member_id is None:
        return None
    async with unit_of_work():
        account = await repository.lock_account(order.member_id)
        if account.last_purchase_at is None or account.last_purchase_at < order.paid_at:
            await Account.filter(id=account.id).update(last_purchase_at=order.paid_at)
            account.last_purchase_at = order.paid_at
        # The tier may have changed since the first run (this very order can upgrade it), so a
        # retry must find the first entry rather than recompute the points.
        if (done := await repository.entry_by_key(earn_key(order_id))) is not None:
            return EntryRead.model_validate(done)
        config = await program_service.program()
        tier = await Tier.get_or_none(id=account.tier_id) if account.tier_id else None
        points = rules.points_for_spend(
            order.total_fen, config.points_per_yuan, tier.multiplier_percent if tier else 100
        )
        posted = None
        if points > 0:
            posted = await credit(
                account,
                points,
                kind=EntryKind.PURCHASE,
                key=earn_key(order_id),
                source=Source("order", str(order_id)),
            )
        await program_service.upgrade_if_due(account)
    return posted.entry if posted else None


async def reverse_purchase_points(refund_id: int) -> EntryRead | None:
    """Take back the refunded share of an order's points, from that order's lot first.

    Points already spent elsewhere are taken from other lots while the balance allows; what it
    cannot cover is forgiven and recorded on the entry (the balance never goes negative).
    """
    refund = await sales_service.refund_by_id(refund_id)
    if refund is None:
        return None
    order = await sales_service.order_by_id(refund.order_id)
    earned = await PointsEntry.get_or_none(idempotency_key=earn_key(refund.order_id))
    if order is None or order.member_id is None or earned is None:
        return None
    refunded = await sales_service.refunded_up_to(order.id, refund_id)
    async with unit_of_work():
        account = await repository.lock_account(order.member_id)
        already = await PointsEntry.filter(
            kind=EntryKind.REFUND,
            source_type="order",
            source_id=str(order.id),
            idempotency_key__not=f"refund:{refund_id}:reverse",
        ).values_list("delta", "forgiven")
        reversed_before = sum(-int(d) + int(f) for d, f in already)
        due = rules.reversal_due(earned.delta, order.total_fen, refunded) - reversed_before
        if due <= 0:
            return None
        lot_id = await repository.lot_of(earned.id)
        posted = await debit(
            account,
            due,
            kind=EntryKind.REFUND,
            key=f"refund:{refund_id}:reverse",
            source=Source("order", str(order.id)),
            first_lot=lot_id,
            partial=True,
        )
        if not posted.replayed:
            await Account.filter(id=account.id).update(lifetime_earned=F("lifetime_earned") - due)
    return posted.entry
