"""Contract attachments (scans, signed PDFs, photos): stored through crm_core.storage, read back
only through the scoped download route. Uploading stays open after approval (the signed scan
arrives then); removing one is an edit, refused while the contract is locked."""

from crm_core import audit, clock, storage
from crm_core.approvals.service import locks
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from crm_core.sales.contracts.errors import (
    ContractAttachmentNotFoundError,
    ContractStatusMoveError,
)
from crm_core.sales.contracts.models import ContractAttachment, ContractStatus
from crm_core.sales.contracts.rules import LABELS
from crm_core.sales.contracts.schemas import ContractRead
from crm_core.sales.contracts.service.contracts import KIND, contract_in_scope, get_contract


async def upload(principal: Principal, contract_id: int, name: str, body: bytes) -> ContractRead:
    contract = await contract_in_scope(principal, contract_id)
    if contract.status == ContractStatus.VOID:
        raise ContractStatusMoveError(current=LABELS[contract.status], target="上传附件")
    stored = await storage.save(f"contracts/{contract.id}", name, body)
    try:
        async with unit_of_work():
            attachment = await ContractAttachment.create(
                contract_id=contract.id,
                name=stored.name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_key=stored.key,
                uploaded_by_id=principal.staff_id,
                created_at=clock.utc_now(),
            )
            await audit.record(
                actor_of(principal),
                "sales.contract_attachment_added",
                target_type="sales_contract",
                target_id=contract.id,
                after={"attachment_id": attachment.id, "name": stored.name, "size": stored.size},
            )
    except BaseException:
        # No row points at the bytes: do not leave them behind.
        await storage.remove(stored.key)
        raise
    return await get_contract(principal, contract.id)


async def _attachment(
    principal: Principal, contract_id: int, attachment_id: int
) -> ContractAttachment:
    contract = await contract_in_scope(principal, contract_id)
    found = await ContractAttachment.get_or_none(id=attachment_id, contract_id=contract.id)
    if found is None:
        raise ContractAttachmentNotFoundError()
    return found


async def download(
    principal: Principal, contract_id: int, attachment_id: int
) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of an attachment of a contract in the caller's scope."""
    found = await _attachment(principal, contract_id, attachment_id)
    return found.name, found.content_type, await storage.read(found.storage_key)


async def remove(principal: Principal, contract_id: int, attachment_id: int) -> ContractRead:
    found = await _attachment(principal, contract_id, attachment_id)
    await locks.assert_unlocked(KIND, contract_id)
    async with unit_of_work():
        await ContractAttachment.filter(id=found.id).delete()
        await audit.record(
            actor_of(principal),
            "sales.contract_attachment_removed",
            target_type="sales_contract",
            target_id=contract_id,
            before={"attachment_id": found.id, "name": found.name, "sha256": found.sha256},
        )
    await storage.remove(found.storage_key)
    return await get_contract(principal, contract_id)
