"""Export jobs: start one (202), poll its progress, download the file once it is done."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from crm_core.export_jobs import service
from crm_core.export_jobs.schemas import ExportJobRead, ExportStart
from crm_core.exports import XLSX_TYPE
from crm_core.http import ApiPrincipal, content_disposition

router = APIRouter(prefix="/api/v1/export-jobs", tags=["exports"])
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]


@router.post("", status_code=202, response_model=ExportJobRead)
async def start_export(body: ExportStart, principal: ApiPrincipal) -> ExportJobRead:
    return await service.start_export(principal, body.kind, body.params)


@router.get("/{job_id}", response_model=ExportJobRead)
async def get_export(job_id: JobId, principal: ApiPrincipal) -> ExportJobRead:
    return await service.get_job(principal, job_id)


@router.get("/{job_id}/file", response_class=FileResponse)
async def download_export(job_id: JobId, principal: ApiPrincipal) -> FileResponse:
    path, filename = await service.job_file(principal, job_id)
    return FileResponse(path, media_type=XLSX_TYPE, headers=content_disposition(filename))
