"""Start an export, follow its progress, hand over the file. State lives in Redis for a day
(key per job); files under var/exports/. The worker runs the source as the staff member who
asked, with their permissions and data scope as they are when it runs."""

import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pydantic
from pydantic import BaseModel

from crm_core import exports, jobs
from crm_core.config import get_settings
from crm_core.errors import CRMError, PermissionDeniedError
from crm_core.export_jobs.errors import (
    ExportJobNotFoundError,
    ExportKindUnknownError,
    ExportNotReadyError,
    ExportParamsInvalidError,
)
from crm_core.export_jobs.schemas import ExportJobRead
from crm_core.org.service.auth import principal_for
from crm_core.permissions import Principal
from crm_core.redis import get_redis, sync_client

KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ExportSource:
    kind: str  # "members"
    label: str  # "会员", shown beside the progress bar
    permission: str
    filename: str  # "会员" → 会员-20261206-2315.xlsx
    params: type[BaseModel]
    run: Callable[[Principal, Any], Awaitable[bytes]]  # the xlsx file


_sources: dict[str, ExportSource] = {}


def register_source(source: ExportSource) -> None:
    _sources[source.kind] = source


def _key(job_id: str) -> str:
    return f"scrm:export:{job_id}"


def folder() -> Path:
    return get_settings().var_dir / "exports"


def _read(job_id: str, data: dict[str, str]) -> ExportJobRead:
    return ExportJobRead(
        id=job_id,
        kind=data["kind"],
        label=data["label"],
        state=data["state"],  # type: ignore[arg-type]
        done=int(data["done"]),
        total=int(data["total"]),
        filename=data["filename"],
        error=data["error"],
    )


def _source(kind: str) -> ExportSource:
    source = _sources.get(kind)
    if source is None:
        raise ExportKindUnknownError()
    return source


def _parse(source: ExportSource, params: dict[str, str]) -> BaseModel:
    try:
        return source.params.model_validate(params)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "?"
        raise ExportParamsInvalidError(problem=f"{field}") from error


async def start_export(principal: Principal, kind: str, params: dict[str, str]) -> ExportJobRead:
    source = _source(kind)
    if not principal.can(source.permission):
        raise PermissionDeniedError()
    _parse(source, params)
    job_id = secrets.token_hex(8)
    stamp = time.strftime("%Y%m%d-%H%M", time.localtime())
    data = {
        "kind": kind,
        "label": source.label,
        "params": pydantic.TypeAdapter(dict[str, str]).dump_json(params).decode(),
        "staff_id": str(principal.staff_id),
        "state": "queued",
        "done": "0",
        "total": "0",
        "filename": f"{source.filename}-{stamp}.xlsx",
        "error": "",
    }
    redis = get_redis()
    await redis.hset(_key(job_id), mapping=cast(Any, data))
    await redis.expire(_key(job_id), KEEP_SECONDS)
    jobs.enqueue("crm_core.run_export", job_id=job_id)
    return _read(job_id, data)


async def _load(job_id: str) -> dict[str, str] | None:
    data = cast(dict[str, str], await get_redis().hgetall(_key(job_id)))
    return data or None


async def get_job(principal: Principal, job_id: str) -> ExportJobRead:
    """Only the staff member who started an export sees it."""
    data = await _load(job_id)
    if data is None or data["staff_id"] != str(principal.staff_id):
        raise ExportJobNotFoundError()
    return _read(job_id, data)


async def job_file(principal: Principal, job_id: str) -> tuple[Path, str]:
    job = await get_job(principal, job_id)
    path = folder() / f"{job_id}.xlsx"
    if job.state != "done":
        raise ExportNotReadyError()
    if not path.is_file():
        raise ExportJobNotFoundError()
    return path, job.filename


async def _update(job_id: str, **fields: str | int) -> None:
    await get_redis().hset(_key(job_id), mapping={k: str(v) for k, v in fields.items()})


def _remove_old_files(now: float) -> None:
    for old in folder().glob("*.xlsx"):
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)


async def run_export(job_id: str) -> str:
    """The worker's side; a redelivered task finds the job finished and does nothing."""
    data = await _load(job_id)
    if data is None or data["state"] in {"done", "failed"}:
        return "gone" if data is None else data["state"]
    source = _source(data["kind"])
    principal = await principal_for(int(data["staff_id"]))
    if principal is None or not principal.can(source.permission):
        await _update(job_id, state="failed", error="账号已停用或已无导出权限")
        return "failed"
    await _update(job_id, state="running")
    progress = sync_client()

    def report(done: int, total: int) -> None:
        progress.hset(_key(job_id), mapping={"done": str(done), "total": str(total)})

    try:
        params = _parse(source, pydantic.TypeAdapter(dict[str, str]).validate_json(data["params"]))
        with exports.reporting(report):
            body = await source.run(principal, params)
    except CRMError as error:
        await _update(job_id, state="failed", error=error.detail)
        return "failed"
    finally:
        progress.close()
    folder().mkdir(parents=True, exist_ok=True)
    _remove_old_files(time.time())
    partial = folder() / f"{job_id}.part"
    partial.write_bytes(body)
    partial.replace(folder() / f"{job_id}.xlsx")
    await _update(job_id, state="done")
    return "done"
