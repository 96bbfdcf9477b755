"""Append-only audit log: who changed what, when, from where, with before/after values.

Rows are chained with a keyed hash (hash = HMAC-SHA256(key, prev_hash || every other column)), so
editing, reordering or forging a row shows unless one also holds the key; a trigger refuses
UPDATE and DELETE (migration 0004). Writers serialise on a transaction-scoped advisory lock to
keep the chain linear.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from crm_core import clock
from crm_core.config import get_settings
from crm_core.permissions import Principal

_CHAIN_LOCK = 7_301_001
SENSITIVE_FIELDS = frozenset({"password", "password_hash", "secret", "token", "aes_key"})


class AuditLog(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    actor_id = fields.IntField(null=True)
    actor_name = fields.CharField(max_length=64, default="")
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=255, default="")
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=64, default="")
    target_id = fields.CharField(max_length=64, default="")
    before: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    after: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    reason = fields.CharField(max_length=255, default="")
    prev_hash = fields.CharField(max_length=64, default="")
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_log"
        ordering = ("-id",)


@dataclass(frozen=True)
class Actor:
    """Who acts, as the audit log sees it (a staff member, the system, or a member)."""

    id: int | None
    name: str
    ip: str = ""
    user_agent: str = ""


SYSTEM = Actor(id=None, name="system")


def actor_of(principal: Principal) -> Actor:
    return Actor(
        id=principal.staff_id,
        name=principal.username,
        ip=principal.ip,
        user_agent=principal.user_agent,
    )


def _mask(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    masked = {k: ("***" if k in SENSITIVE_FIELDS else v) for k, v in values.items()}
    # Stored exactly as hashed: what the JSON column hands back must canonicalise the same way.
    return dict(json.loads(json.dumps(masked, ensure_ascii=False, default=str)))


def _chain_key() -> bytes:
    settings = get_settings()
    secret = settings.audit_key or settings.secret_key
    return hashlib.sha256(b"scrm-audit-chain:" + secret.get_secret_value().encode()).digest()


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(_chain_key(), (prev_hash + canonical).encode(), hashlib.sha256).hexdigest()


def _row(entry: AuditLog) -> dict[str, Any]:
    """Every stored column but the hash itself (the id too: rows cannot be reordered)."""
    row = {name: getattr(entry, name) for name in entry._meta.fields_map if name != "hash"}
    at: datetime = row["at"]
    row["at"] = at.isoformat()
    return row


async def record(
    actor: Actor,
    action: str,
    *,
    target_type: str = "",
    target_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditLog:
    async with in_transaction() as connection:
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [_CHAIN_LOCK])
        last = await AuditLog.all().using_db(connection).order_by("-id").only("id", "hash").first()
        # The id is part of the hash, so it is drawn before the row is written.
        [next_id] = await connection.execute_query_dict(
            "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id"
        )
        entry = AuditLog(
            id=next_id["id"],
            at=clock.utc_now(),
            actor_id=actor.id,
            actor_name=actor.name[:64],
            ip=actor.ip[:64],
            user_agent=actor.user_agent[:255],
            action=action,
            target_type=target_type,
            target_id=str(target_id)[:64],
            before=_mask(before),
            after=_mask(after),
            reason=reason[:255],
            prev_hash=last.hash if last else "",
        )
        entry.hash = _digest(entry.prev_hash, _row(entry))
        await entry.save(using_db=connection, force_create=True)
    return entry


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields that changed, for a compact before/after pair."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def check_chain() -> tuple[int, int | None]:
    """(rows checked, id of the first row whose hash or link does not match, or None)."""
    prev_hash, rows = "", 0
    async for entry in AuditLog.all().order_by("id"):
        if entry.prev_hash != prev_hash or not hmac.compare_digest(
            entry.hash, _digest(prev_hash, _row(entry))
        ):
            return rows, int(entry.id)
        prev_hash, rows = entry.hash, rows + 1
    return rows, None


async def verify_chain() -> int | None:
    """Return the id of the first row whose hash does not match, or None if the chain holds."""
    return (await check_chain())[1]
