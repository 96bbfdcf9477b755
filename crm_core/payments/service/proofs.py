"""Proof files (回款凭证, 付款凭证): sniffed by content, stored through `crm_core.storage` (the
var dir or an S3-compatible bucket) under a random key, attached once to one record, and read
back only through that record's scope check."""

import secrets
from pathlib import Path

from crm_core import clock, storage
from crm_core.payments import rules
from crm_core.payments.errors import ProofNotFoundError, ProofTooLargeError, ProofTypeError
from crm_core.payments.models import Proof, Receipt, SupplierPayment
from crm_core.payments.schemas import ProofRead
from crm_core.permissions import Principal

MAX_BYTES = 5 * 1024 * 1024


FOLDER = "payment-proofs"


async def upload(principal: Principal, filename: str, body: bytes) -> ProofRead:
    if len(body) > MAX_BYTES:
        raise ProofTooLargeError(limit=MAX_BYTES // (1024 * 1024), field="file")
    content_type = rules.sniff(body[:16])
    if content_type is None:
        raise ProofTypeError(field="file")
    name = f"{FOLDER}/{secrets.token_hex(16)}.{rules.EXTENSIONS[content_type]}"
    await storage.backend().put(name, body, content_type)
    proof = await Proof.create(
        path=name,
        filename=Path(filename or "proof").name[:128],
        content_type=content_type,
        size=len(body),
        uploaded_by_id=principal.staff_id,
        created_at=clock.utc_now(),
    )
    return ProofRead.model_validate(proof)


async def claim(principal: Principal, proof_id: int | None) -> int | None:
    """A proof the caller uploaded and no record uses yet (checked again by the unique column)."""
    if proof_id is None:
        return None
    proof = await Proof.get_or_none(id=proof_id, uploaded_by_id=principal.staff_id)
    used = await Receipt.exists(proof_id=proof_id) or await SupplierPayment.exists(
        proof_id=proof_id
    )
    if proof is None or used:
        raise ProofNotFoundError(field="proof_id")
    return proof.id


async def proofs_by_id(ids: set[int | None]) -> dict[int, ProofRead]:
    rows = await Proof.filter(id__in=[i for i in ids if i is not None])
    return {p.id: ProofRead.model_validate(p) for p in rows}


async def open_proof(proof_id: int | None) -> tuple[bytes, str, str]:
    """(content, content type, filename) of an attached proof; the caller checked the scope."""
    proof = await Proof.get_or_none(id=proof_id) if proof_id else None
    if proof is None:
        raise ProofNotFoundError()
    content = await storage.read(proof.path)
    return content, proof.content_type, proof.filename
