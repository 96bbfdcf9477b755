from crm_core.celery import task
from crm_core.export_jobs import service


@task("crm_core.run_export")
async def run_export(job_id: str) -> str:
    return await service.run_export(job_id)
