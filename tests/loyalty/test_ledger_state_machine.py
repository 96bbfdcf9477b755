"""LG-5 as a hypothesis state machine: earn, redeem, purchase, refund and expire in any order
keep balance = ledger sum = active lots, never negative, and match a simple FIFO model."""

import asyncio
import itertools
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from crm_core import clock
from crm_core.sales.models import SalesOrder, SalesRefund
from loyalty.errors import InsufficientPointsError
from loyalty.points.models import Account, EntryKind
from loyalty.points.service.accounts import (
    check_invariants,
    earn_points,
    expire_points,
    get_account,
    redeem_points,
)
from loyalty.points.service.purchases import award_purchase_points, reverse_purchase_points
from tests.loyalty.factories import make_any_store, make_member, make_program

T = TypeVar("T")
VALIDITY_DAYS = 30
_keys = itertools.count(1)


@dataclass
class ModelLot:
    id: int
    remaining: int
    earned_at: datetime
    expires_at: datetime


@dataclass
class ModelOrder:
    id: int
    total_fen: int
    earned: int
    lot_id: int
    refunded_fen: int = 0
    reversed: int = 0


class Ledger(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop
    store_id: int

    def __init__(self) -> None:
        super().__init__()
        self.member_id = self.run(make_member()).id
        self.run(get_account(self.member_id))
        self.lots: list[ModelLot] = []
        self.orders: list[ModelOrder] = []

    def run(self, awaitable: Awaitable[T]) -> T:
        async def wait() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wait(), self.loop).result()

    @property
    def balance(self) -> int:
        return sum(lot.remaining for lot in self.lots)

    def _take(self, amount: int, first: int | None = None) -> None:
        ordered = sorted(self.lots, key=lambda lot: (lot.expires_at, lot.earned_at, lot.id))
        ordered.sort(key=lambda lot: lot.id != first)
        for lot in ordered:
            take = min(lot.remaining, amount)
            lot.remaining -= take
            amount -= take

    def _new_lot(self, points: int) -> int:
        lot_id = max((lot.id for lot in self.lots), default=0) + 1
        now = clock.utc_now()
        self.lots.append(ModelLot(lot_id, points, now, now + timedelta(days=VALIDITY_DAYS)))
        return lot_id

    @rule(points=st.integers(1, 500))
    def earn(self, points: int) -> None:
        self.run(
            earn_points(
                self.member_id, points, kind=EntryKind.CHECKIN, key=f"sm-earn-{next(_keys)}"
            )
        )
        self._new_lot(points)

    @rule(points=st.integers(1, 800))
    def redeem(self, points: int) -> None:
        try:
            self.run(redeem_points(self.member_id, points, key=f"sm-redeem-{next(_keys)}"))
        except InsufficientPointsError:
            assert points > self.balance
            return
        assert points <= self.balance
        self._take(points)

    @rule(yuan=st.integers(1, 900))
    def purchase(self, yuan: int) -> None:
        order = self.run(
            SalesOrder.create(
                store_id=self.store_id,
                order_no=f"SM{next(_keys)}",
                member_id=self.member_id,
                total_fen=yuan * 100,
                paid_at=clock.utc_now(),
                request_hash="x",
                created_at=clock.utc_now(),
            )
        )
        self.run(award_purchase_points(order.id))
        self.orders.append(ModelOrder(order.id, yuan * 100, yuan, self._new_lot(yuan)))

    @precondition(lambda self: any(o.refunded_fen < o.total_fen for o in self.orders))
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        order = data.draw(st.sampled_from([o for o in self.orders if o.refunded_fen < o.total_fen]))
        amount = data.draw(st.integers(1, order.total_fen - order.refunded_fen))
        refund = self.run(
            SalesRefund.create(
                order_id=order.id,
                refund_no=f"R{next(_keys)}",
                amount_fen=amount,
                refunded_at=clock.utc_now(),
                request_hash="x",
                created_at=clock.utc_now(),
            )
        )
        self.run(reverse_purchase_points(refund.id))
        self.run(reverse_purchase_points(refund.id))  # a redelivered job changes nothing
        order.refunded_fen += amount
        due = order.earned * order.refunded_fen // order.total_fen - order.reversed
        order.reversed += due
        self._take(min(due, self.balance), first=order.lot_id)

    @rule(days=st.integers(1, 40))
    def expire(self, days: int) -> None:
        clock.advance(timedelta(days=days))
        self.run(expire_points())
        now = clock.utc_now()
        self.lots = [lot for lot in self.lots if lot.expires_at > now]

    @invariant()
    def ledger_holds(self) -> None:
        account = self.run(Account.get(member_id=self.member_id))
        assert account.balance == self.balance >= 0
        assert self.run(check_invariants()) == []


async def test_ledger_state_machine_keeps_every_invariant() -> None:
    await make_program(points_validity_days=VALIDITY_DAYS, points_per_yuan=1)
    Ledger.loop = asyncio.get_running_loop()
    Ledger.store_id = (await make_any_store()).id
    config = settings(
        max_examples=30,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    await asyncio.to_thread(run_state_machine_as_test, Ledger, settings=config)
