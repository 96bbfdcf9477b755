"""Fund accounts (资金账户) and the journal commands a cashier issues: adjustments, transfers
between accounts and reversals. Opening balances are the account's first entry."""

from datetime import date

from tortoise.exceptions import IntegrityError

from crm_core import audit, clock
from crm_core.db import unit_of_work
from crm_core.payments import repository, rules
from crm_core.payments.errors import (
    AccountNameTakenError,
    AccountNotFoundError,
    AdjustmentZeroError,
    EntryNotFoundError,
    EntryNotReversibleError,
    SameAccountError,
)
from crm_core.payments.models import FundAccount, JournalEntry, JournalKind
from crm_core.payments.schemas import (
    FundAccountCreate,
    FundAccountOption,
    FundAccountRead,
    FundAccountUpdate,
    JournalAdjustment,
    JournalEntryPage,
    JournalEntryRead,
    JournalReversal,
    JournalTransfer,
    JournalTransferRead,
)
from crm_core.payments.service.ledger import Posting, post, run
from crm_core.permissions import Principal


def _audit_view(account: FundAccount) -> dict[str, object]:
    return {"name": account.name, "kind": account.kind.value, "is_active": account.is_active}


async def list_accounts(active_only: bool = False) -> list[FundAccountRead]:
    query = FundAccount.filter(is_active=True) if active_only else FundAccount.all()
    return [FundAccountRead.model_validate(a) for a in await query.order_by("id")]


async def account_options() -> list[FundAccountOption]:
    rows = await FundAccount.filter(is_active=True).order_by("id")
    return [FundAccountOption.model_validate(a) for a in rows]


async def create_account(principal: Principal, data: FundAccountCreate) -> FundAccountRead:
    now = clock.utc_now()
    try:
        async with unit_of_work():
            account = await FundAccount.create(
                **data.model_dump(), balance_fen=0, created_at=now, updated_at=now
            )
            opening = Posting(
                account.id,
                JournalKind.OPENING,
                data.opening_balance_fen,
                data.opened_on,
                "期初余额",
            )
            await post(
                [opening],
                key=f"opening:{account.id}",
                request_hash=rules.request_hash(data.model_dump()),
                actor_id=principal.staff_id,
            )
            await audit.record(
                audit.actor_of(principal),
                "payments.account_created",
                target_type="fund_account",
                target_id=account.id,
                after={**_audit_view(account), "opening_balance_fen": data.opening_balance_fen},
            )
    except IntegrityError:
        raise AccountNameTakenError(field="name") from None
    return FundAccountRead.model_validate(await FundAccount.get(id=account.id))


async def update_account(
    principal: Principal, account_id: int, data: FundAccountUpdate
) -> FundAccountRead:
    """Name, bank details and enable/disable; balances move only through the journal."""
    try:
        async with unit_of_work():
            account = await FundAccount.select_for_update().get_or_none(id=account_id)
            if account is None:
                raise AccountNotFoundError()
            before = _audit_view(account)
            await FundAccount.filter(id=account_id).update(
                **data.model_dump(), updated_at=clock.utc_now()
            )
            await account.refresh_from_db()
            await audit.record(
                audit.actor_of(principal),
                "payments.account_updated",
                target_type="fund_account",
                target_id=account_id,
                before=before,
                after=_audit_view(account),
            )
    except IntegrityError:
        raise AccountNameTakenError(field="name") from None
    return FundAccountRead.model_validate(account)


async def read_entries(entries: list[JournalEntry]) -> list[JournalEntryRead]:
    names = dict(await FundAccount.all().values_list("id", "name"))
    undone = await repository.reversed_ids([e.id for e in entries])
    return [
        JournalEntryRead.model_validate(e).model_copy(
            update={"account_name": names.get(e.account_id, ""), "reversed": e.id in undone}
        )
        for e in entries
    ]


async def list_entries(
    account_id: int | None,
    kind: JournalKind | None,
    start: date | None,
    end: date | None,
    *,
    page: int,
    page_size: int,
) -> JournalEntryPage:
    query = repository.entries(account_id, kind, start, end)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size)
    return JournalEntryPage(
        items=await read_entries(rows), total=total, page=page, page_size=page_size
    )


async def adjust(principal: Principal, data: JournalAdjustment) -> JournalEntryRead:
    async def build() -> list[Posting]:
        return [
            Posting(
                data.account_id,
                JournalKind.ADJUSTMENT,
                data.amount_fen,
                data.occurred_on,
                summary=f"调整：{data.reason}",
            )
        ]

    if data.amount_fen == 0:
        raise AdjustmentZeroError(field="amount_fen")
    [entry] = await run(
        build,
        key=data.idempotency_key,
        request_hash=rules.request_hash(data.model_dump()),
        actor_id=principal.staff_id,
    )
    return (await read_entries([entry]))[0]


async def transfer(principal: Principal, data: JournalTransfer) -> JournalTransferRead:
    if data.from_account_id == data.to_account_id:
        raise SameAccountError(field="to_account_id")

    async def build() -> list[Posting]:
        summary = data.summary or "账户互转"
        return [
            Posting(
                data.from_account_id,
                JournalKind.TRANSFER_OUT,
                -data.amount_fen,
                data.occurred_on,
                summary=summary,
            ),
            Posting(
                data.to_account_id,
                JournalKind.TRANSFER_IN,
                data.amount_fen,
                data.occurred_on,
                summary=summary,
            ),
        ]

    out_entry, in_entry = await run(
        build,
        key=data.idempotency_key,
        request_hash=rules.request_hash(data.model_dump()),
        actor_id=principal.staff_id,
    )
    out_read, in_read = await read_entries([out_entry, in_entry])
    return JournalTransferRead(out_entry=out_read, in_entry=in_read)


async def reverse(principal: Principal, entry_id: int, data: JournalReversal) -> JournalEntryRead:
    """A correction: the opposite amount, dated today; the original stays as it was."""
    original = await JournalEntry.get_or_none(id=entry_id)
    if original is None:
        raise EntryNotFoundError()

    async def build() -> list[Posting]:
        # The account lock serialises reversals of its entries: the check below is current.
        await repository.lock_accounts({original.account_id})
        taken = await JournalEntry.exists(reverses_id=original.id)
        if original.kind in (JournalKind.OPENING, JournalKind.REVERSAL) or taken:
            raise EntryNotReversibleError()
        return [
            Posting(
                original.account_id,
                JournalKind.REVERSAL,
                -original.amount_fen,
                clock.local_now().date(),
                summary=f"冲销 #{original.id}：{data.reason}",
                counterparty=original.counterparty,
                reverses_id=original.id,
            )
        ]

    [entry] = await run(
        build,
        key=data.idempotency_key,
        request_hash=rules.request_hash({"entry_id": entry_id, **data.model_dump()}),
        actor_id=principal.staff_id,
    )
    return (await read_entries([entry]))[0]
