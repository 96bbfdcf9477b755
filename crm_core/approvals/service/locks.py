"""The record lock: owning packages call `assert_unlocked` before they edit a record."""

from crm_core.approvals import repository
from crm_core.approvals.errors import RecordLockedError


async def assert_unlocked(kind: str, record_id: int) -> None:
    """409 record_locked while the record is under approval, or approved and its kind keeps
    approved records locked."""
    if await repository.is_locked(kind, record_id):
        raise RecordLockedError()


async def is_locked(kind: str, record_id: int) -> bool:
    return await repository.is_locked(kind, record_id)


async def locked_among(kind: str, record_ids: list[int] | None = None) -> set[int]:
    return await repository.locked_among(kind, record_ids)
