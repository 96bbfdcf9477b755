"""The audit log: append-only in the database, a keyed chain over every column, and
`scrm audit verify`."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from asyncpg.exceptions import RaiseError
from tortoise import connections

from crm_core import audit
from crm_core.audit import AuditLog


async def three_rows() -> list[AuditLog]:
    actor = audit.Actor(7, "alice", "203.0.113.7", "Mozilla/5.0")
    for number in range(3):
        await audit.record(actor, "test.event", target_id=number, after={"n": number})
    return await AuditLog.all().order_by("id")


async def tamper(sql: str, *args: object) -> None:
    """What someone with database access does: switch the trigger off for one transaction."""
    connection = connections.get("default")
    await connection.execute_script(
        "BEGIN; SET LOCAL session_replication_role = replica; " + sql.format(*args) + "; COMMIT;"
    )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"],
    ids=["update", "delete"],
)
async def test_rows_cannot_be_changed_or_deleted(statement: str) -> None:
    rows = await three_rows()
    with pytest.raises(RaiseError, match="audit_log is append-only"):
        await connections.get("default").execute_query(statement)
    after = await AuditLog.all().order_by("id")
    assert [(r.id, r.reason, r.hash) for r in after] == [(r.id, "", r.hash) for r in rows]
    assert await audit.verify_chain() is None


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("at", "'2020-01-01 00:00:00+00'"),
        ("actor_id", "8"),
        ("actor_name", "'mallory'"),
        ("ip", "'198.51.100.9'"),
        ("user_agent", "'curl/8'"),
        ("action", "'test.other'"),
        ("target_type", "'member'"),
        ("target_id", "'9'"),
        ("before", "'{\"n\": 0}'"),
        ("after", "'{\"n\": 99}'"),
        ("reason", "'because'"),
        ("id", "100"),
    ],
)
async def test_a_change_to_any_column_breaks_the_chain(column: str, value: str) -> None:
    rows = await three_rows()
    await tamper("UPDATE audit_log SET {} = {} WHERE id = {}", column, value, rows[2].id)
    assert await audit.verify_chain() == (100 if column == "id" else rows[2].id)


async def test_a_forger_without_the_key_cannot_rehash_the_chain() -> None:
    rows = await three_rows()
    # Recompute the edited row and its hash the way an unkeyed chain would be recomputed.
    edited = {**audit._row(rows[1]), "after": {"n": 99}}
    canonical = json.dumps(edited, sort_keys=True, ensure_ascii=False, default=str)
    forged = hashlib.sha256((rows[0].hash + canonical).encode()).hexdigest()
    await tamper(
        "UPDATE audit_log SET after = '{}', hash = '{}' WHERE id = {}",
        '{"n": 99}',
        forged,
        rows[1].id,
    )
    assert await audit.verify_chain() == rows[1].id


def scrm_audit_verify() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrm", "audit", "verify"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_scrm_audit_verify_reports_the_first_broken_row() -> None:
    rows = await three_rows()
    intact = scrm_audit_verify()
    assert (intact.returncode, intact.stdout) == (
        0,
        "审计日志完整：3 条记录 / audit chain intact: 3 rows\n",
    )
    await tamper("UPDATE audit_log SET reason = 'edited' WHERE id = {}", rows[1].id)
    broken = scrm_audit_verify()
    row = rows[1].id
    assert (broken.returncode, broken.stdout) == (
        1,
        f"审计日志被篡改：第一处不符的记录 id={row} / audit chain broken at id={row}\n",
    )
