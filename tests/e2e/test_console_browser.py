"""Playwright on the system Chromium: log in to the Vue console and walk the organisation menu."""

from typing import Any

import pytest

from crm_core.org.models import Department
from tests.e2e.spa import open_console
from tests.e2e.test_spa_org import open_menu
from tests.factories import make_staff, make_store

pytestmark = pytest.mark.browser

PAGES = [
    ("部门", "/admin/departments"),
    ("岗位", "/admin/positions"),
    ("员工", "/admin/staff"),
    ("角色与权限", "/admin/roles"),
    ("门店", "/admin/stores"),
    ("导购", "/admin/guides"),
    ("审计日志", "/admin/audit"),
]


async def test_admin_logs_in_and_walks_the_organisation_menu(
    live_server: str, browser: Any
) -> None:
    root = await Department.create(name="总部")
    await make_store(root, code="SH001", name="上海南京西路店")
    await make_staff("admin", username="admin", department=root)
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    assert "测试员工" in await page.inner_text("[data-test=user-menu]")

    for label, path in PAGES:
        await open_menu(tab, label)
        await page.wait_for_url(f"{live_server}{path}")
        assert await page.inner_text(".page-header h2") == label

    # The caller-ID long poll in flight when the session ends may come back 401.
    tab.expect_failure("GET", "/api/v1/sms/calls/poll", 401)
    await page.click("[data-test=user-menu]")
    await page.click("[data-test=logout]")
    await page.wait_for_url(f"{live_server}/admin/login")
    tab.assert_clean()
    await tab.close()
