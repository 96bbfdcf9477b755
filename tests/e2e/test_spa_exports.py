"""Excel export as a person sees it: the button starts a job on the server, a progress dialog
follows it while a real Celery worker writes the file, and the file downloads by itself with
the list's filters applied."""

import asyncio
import io
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from crm_core.audit import AuditLog
from crm_core.org.models import Department
from members.models import Member
from tests.e2e.conftest import spawn, stop_all
from tests.e2e.spa import open_console
from tests.factories import make_staff, make_store
from tests.loyalty.factories import make_member

pytestmark = pytest.mark.browser


async def test_member_export_shows_progress_and_downloads_the_filtered_list(
    live_server: str, browser: Any
) -> None:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001", name="上海店")
    await make_staff("admin", username="boss", department=root)
    for name in ("李四", "李小四", "张三"):
        member = await make_member(name=name)
        await Member.filter(id=member.id).update(first_store_id=store.id)
    worker = spawn(
        "export-worker",
        ["scrm.cli", "worker", "--pool", "solo", "--concurrency", "1"],
        os.environ.copy(),
    )
    try:
        tab = await open_console(browser, live_server, "boss")
        page = tab.page
        await tab.goto("/admin/members")
        async with page.expect_response(lambda r: "/api/v1/members/search" in r.url):
            await page.fill("input[data-test=table-search]", "李")
            await page.keyboard.press("Enter")
        async with page.expect_download(timeout=120_000) as started:
            await page.click("[data-test=export]")
            status = page.locator("[data-test=export-status]")
            await status.filter(has_text="已完成，共 2 行").wait_for(timeout=120_000)
        download = await started.value
        assert download.suggested_filename.startswith("会员-")
        saved = Path(str(await download.path()))
        sheet = openpyxl.load_workbook(io.BytesIO(await asyncio.to_thread(saved.read_bytes))).active
        assert sheet is not None
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert names == ["李四", "李小四"]
        assert await AuditLog.filter(action="member.export").count() == 1
        await tab.screenshot("export-progress")
        tab.assert_clean()
        await tab.close()
    finally:
        stop_all([worker])
