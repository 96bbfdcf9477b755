"""The cash journal: balance = Σ entries under any sequence of commands, no account below
zero, concurrent payments on one account, idempotent replays, append-only, reversals once."""

import asyncio
import itertools
from collections.abc import Awaitable
from datetime import date
from typing import TypeVar

import pytest
from asyncpg.exceptions import RaiseError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from crm_core.payments.errors import (
    EntryNotReversibleError,
    IdempotencyKeyReusedError,
    InsufficientFundsError,
)
from crm_core.payments.models import AccountKind, FundAccount, JournalEntry, JournalKind
from crm_core.payments.schemas import JournalAdjustment, JournalReversal, JournalTransfer
from crm_core.payments.service import accounts, ledger
from crm_core.permissions import Principal
from tests.crm_core.payments.factories import ledger_rows, make_account, make_finance, principal

T = TypeVar("T")
DAY = date(2026, 6, 1)
_keys = itertools.count(1)


def key() -> str:
    return f"test-key-{next(_keys):06d}"


class Journal(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop
    actor: Principal
    cashier_id: int

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[int, int] = {}
        self.undoable: list[tuple[int, int, int]] = []  # (entry, account, amount)
        for kind, opening in ((AccountKind.CASH, 5_000), (AccountKind.BANK, 0)):
            name = f"账户{next(_keys)}"
            account = self.run(self._account(name, kind, opening))
            self.model[account] = opening

    async def _account(self, name: str, kind: AccountKind, opening: int) -> int:
        from crm_core.org.models import Staff

        staff = await Staff.get(id=self.cashier_id)
        return (await make_account(staff, name, kind, opening)).id

    def run(self, awaitable: Awaitable[T]) -> T:
        async def wait() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wait(), self.loop).result()

    @rule(data=st.data(), amount=st.integers(-9_000, 9_000).filter(bool))
    def adjust(self, data: st.DataObject, amount: int) -> None:
        account = data.draw(st.sampled_from(sorted(self.model)))
        body = JournalAdjustment(
            account_id=account,
            amount_fen=amount,
            occurred_on=DAY,
            reason="盘点",
            idempotency_key=key(),
        )
        try:
            entry = self.run(accounts.adjust(self.actor, body))
        except InsufficientFundsError:
            assert self.model[account] + amount < 0
            return
        self.model[account] += amount
        self.undoable.append((entry.id, account, amount))
        # A replay of the same request changes nothing and answers the same entry.
        assert self.run(accounts.adjust(self.actor, body)).id == entry.id

    @rule(amount=st.integers(1, 9_000), forward=st.booleans())
    def transfer(self, amount: int, forward: bool) -> None:
        source, target = sorted(self.model) if forward else sorted(self.model, reverse=True)
        body = JournalTransfer(
            from_account_id=source,
            to_account_id=target,
            amount_fen=amount,
            occurred_on=DAY,
            idempotency_key=key(),
        )
        try:
            moved = self.run(accounts.transfer(self.actor, body))
        except InsufficientFundsError:
            assert self.model[source] < amount
            return
        self.model[source] -= amount
        self.model[target] += amount
        self.undoable += [
            (moved.out_entry.id, source, -amount),
            (moved.in_entry.id, target, amount),
        ]

    @precondition(lambda self: bool(self.undoable))
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        entry_id, account, amount = data.draw(st.sampled_from(self.undoable))
        body = JournalReversal(reason="录错", idempotency_key=key())
        try:
            self.run(accounts.reverse(self.actor, entry_id, body))
        except InsufficientFundsError:
            assert self.model[account] - amount < 0
            return
        self.model[account] -= amount
        self.undoable.remove((entry_id, account, amount))

    @invariant()
    def balances_are_the_sum_of_entries(self) -> None:
        for account_id, expected in self.model.items():
            account = self.run(FundAccount.get(id=account_id))
            assert account.balance_fen == expected >= 0
        assert self.run(ledger.drifted_accounts()) == []


async def test_any_sequence_keeps_balance_equal_to_the_entries_and_never_negative() -> None:
    finance = await make_finance()
    Journal.loop = asyncio.get_running_loop()
    Journal.actor = await principal(finance.cashier)
    Journal.cashier_id = finance.cashier.id
    config = settings(
        max_examples=25,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    await asyncio.to_thread(run_state_machine_as_test, Journal, settings=config)
    assert await ledger.drifted_accounts() == []


async def test_concurrent_payments_on_one_account_take_exactly_what_fits() -> None:
    finance = await make_finance()
    till = await make_account(finance.cashier, "现金", opening_fen=10_000)
    actor = await principal(finance.cashier)

    async def spend(n: int) -> str:
        body = JournalAdjustment(
            account_id=till.id,
            amount_fen=-700,
            occurred_on=DAY,
            reason=f"报销{n}",
            idempotency_key=f"spend-{n:04d}",
        )
        try:
            await accounts.adjust(actor, body)
        except InsufficientFundsError:
            return "refused"
        return "paid"

    outcomes = await asyncio.gather(*(spend(n) for n in range(30)))
    # 10,000 fen holds 14 payments of 700 (9,800); the 16 others are refused.
    assert (outcomes.count("paid"), outcomes.count("refused")) == (14, 16)
    assert (await FundAccount.get(id=till.id)).balance_fen == 200
    assert await JournalEntry.filter(account_id=till.id).count() == 15
    assert await ledger.drifted_accounts() == []


async def test_concurrent_identical_transfers_post_once_and_answer_alike() -> None:
    finance = await make_finance()
    bank = await make_account(finance.cashier, "工行", AccountKind.BANK, 50_000)
    till = await make_account(finance.cashier, "现金", opening_fen=0)
    actor = await principal(finance.cashier)
    body = JournalTransfer(
        from_account_id=bank.id,
        to_account_id=till.id,
        amount_fen=12_345,
        occurred_on=DAY,
        idempotency_key="transfer-0001",
    )
    answers = await asyncio.gather(*(accounts.transfer(actor, body) for _ in range(20)))
    assert {(a.out_entry.id, a.in_entry.id) for a in answers} == {(3, 4)}
    assert await ledger_rows() == [
        ("工行", 37_655),
        ("现金", 12_345),
        (bank.id, "opening", 50_000, 50_000),
        (till.id, "opening", 0, 0),
        (bank.id, "transfer_out", -12_345, 37_655),
        (till.id, "transfer_in", 12_345, 12_345),
    ]
    before = await ledger_rows()
    with pytest.raises(IdempotencyKeyReusedError):
        await accounts.transfer(actor, body.model_copy(update={"amount_fen": 1}))
    assert await ledger_rows() == before


async def test_overdraw_and_double_reversal_change_nothing() -> None:
    finance = await make_finance()
    till = await make_account(finance.cashier, "现金", opening_fen=1_000)
    actor = await principal(finance.cashier)
    spent = await accounts.adjust(
        actor,
        JournalAdjustment(
            account_id=till.id,
            amount_fen=-400,
            occurred_on=DAY,
            reason="买茶",
            idempotency_key=key(),
        ),
    )
    before = await ledger_rows()
    with pytest.raises(InsufficientFundsError) as refused:
        await accounts.adjust(
            actor,
            JournalAdjustment(
                account_id=till.id,
                amount_fen=-601,
                occurred_on=DAY,
                reason="超支",
                idempotency_key=key(),
            ),
        )
    assert refused.value.detail == "账户「现金」余额 6.00 元，不足以支出 6.01 元"
    assert await ledger_rows() == before
    results = await asyncio.gather(
        *(
            accounts.reverse(actor, spent.id, JournalReversal(reason="录错", idempotency_key=key()))
            for _ in range(5)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, EntryNotReversibleError) for r in results if isinstance(r, Exception))
    assert (await FundAccount.get(id=till.id)).balance_fen == 1_000
    reversal = await JournalEntry.get(kind=JournalKind.REVERSAL)
    assert (reversal.amount_fen, reversal.reverses_id, reversal.balance_after_fen) == (
        400,
        spent.id,
        1_000,
    )


async def test_journal_rows_cannot_be_updated_or_deleted() -> None:
    finance = await make_finance()
    await make_account(finance.cashier, "现金", opening_fen=1_000)
    with pytest.raises(RaiseError, match="payments_journal_entry is append-only"):
        await JournalEntry.filter(id=1).update(amount_fen=5)
    with pytest.raises(RaiseError, match="payments_journal_entry is append-only"):
        await JournalEntry.filter(id=1).delete()
    assert await JournalEntry.all().values_list("amount_fen", flat=True) == [1_000]
