"""The cash journal's one write path. Every posting locks its accounts (id order), checks the
balance under the lock, moves `balance_fen` with an F() update and appends the entry in the
caller's transaction, so the balance always equals the sum of the account's entries."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from crm_core import clock
from crm_core.db import unit_of_work
from crm_core.payments import repository, rules
from crm_core.payments.errors import (
    AccountDisabledError,
    AccountNotFoundError,
    EntryBeforeOpeningError,
    IdempotencyKeyReusedError,
    InsufficientFundsError,
)
from crm_core.payments.models import FundAccount, JournalEntry, JournalKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posting:
    account_id: int
    kind: JournalKind
    amount_fen: int
    occurred_on: date
    summary: str = ""
    counterparty: str = ""
    receipt_id: int | None = None
    payment_id: int | None = None
    reverses_id: int | None = None


def keys(key: str, count: int) -> list[str]:
    """A command's key names its first entry; a transfer's second entry is `<key>#2`."""
    return [key if n == 0 else f"{key}#{n + 1}" for n in range(count)]


async def replay(key: str, request_hash: str) -> list[JournalEntry] | None:
    """The entries an earlier request with this key wrote; 409 if that request differed."""
    found = await JournalEntry.filter(idempotency_key__in=keys(key, 2)).order_by("id")
    if not found:
        return None
    if found[0].request_hash != request_hash:
        raise IdempotencyKeyReusedError(field="idempotency_key")
    return found


async def post(
    postings: list[Posting], *, key: str, request_hash: str, actor_id: int | None
) -> list[JournalEntry]:
    """Append the postings atomically; the caller holds the transaction."""
    accounts = await repository.lock_accounts({p.account_id for p in postings})
    balances = {a.id: a.balance_fen for a in accounts.values()}
    written = []
    for posting, entry_key in zip(postings, keys(key, len(postings)), strict=True):
        account = _usable(accounts.get(posting.account_id), posting)
        balance = balances[account.id] + posting.amount_fen
        if balance < 0:
            raise InsufficientFundsError(
                name=account.name,
                balance=rules.yuan(balances[account.id]),
                amount=rules.yuan(-posting.amount_fen),
                field="amount_fen",
            )
        balances[account.id] = balance
        await FundAccount.filter(id=account.id).update(
            balance_fen=F("balance_fen") + posting.amount_fen, updated_at=clock.utc_now()
        )
        written.append(
            await JournalEntry.create(
                account_id=account.id,
                kind=posting.kind,
                amount_fen=posting.amount_fen,
                balance_after_fen=balance,
                occurred_on=posting.occurred_on,
                summary=posting.summary[:128],
                counterparty=posting.counterparty[:64],
                receipt_id=posting.receipt_id,
                payment_id=posting.payment_id,
                reverses_id=posting.reverses_id,
                idempotency_key=entry_key,
                request_hash=request_hash,
                created_by_id=actor_id,
                created_at=clock.utc_now(),
            )
        )
    return written


def _usable(account: FundAccount | None, posting: Posting) -> FundAccount:
    if account is None:
        raise AccountNotFoundError(field="account_id")
    # A reversal undoes what was posted, even on an account disabled since.
    if not account.is_active and posting.kind not in (JournalKind.REVERSAL, JournalKind.OPENING):
        raise AccountDisabledError(name=account.name, field="account_id")
    if posting.occurred_on < account.opened_on:
        raise EntryBeforeOpeningError(
            name=account.name, opened_on=account.opened_on.isoformat(), field="occurred_on"
        )
    return account


async def run(
    build: Callable[[], Awaitable[list[Posting]]],
    *,
    key: str,
    request_hash: str,
    actor_id: int | None,
) -> list[JournalEntry]:
    """A standalone journal command with a client key: a replay returns the first result, a
    concurrent twin loses the unique key and returns the winner's entries."""
    earlier = await replay(key, request_hash)
    if earlier is not None:
        return earlier
    try:
        async with unit_of_work():
            return await post(await build(), key=key, request_hash=request_hash, actor_id=actor_id)
    except IntegrityError:
        earlier = await replay(key, request_hash)
        if earlier is None:
            raise
        return earlier


async def drifted_accounts() -> list[int]:
    """Accounts whose balance differs from the sum of their entries (LG-5); logged, never
    fixed silently: there should be none."""
    drifted = await repository.drifted_accounts()
    if drifted:
        logger.error("cash journal drift on accounts %s", drifted)
    return drifted
