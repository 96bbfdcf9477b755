"""Playwright on the system Chromium: log in and walk every console page like a person would."""

from typing import Any

import pytest

from crm_core.org.models import Department
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, make_staff, make_store

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


async def test_admin_logs_in_and_walks_the_console(live_server: str, browser: Any) -> None:
    root = await Department.create(name="总部")
    await make_store(root, code="SH001", name="上海南京西路店")
    await make_staff("admin", username="admin", department=root)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    await page.goto(f"{live_server}/admin")
    assert page.url.endswith("/admin/login?next=/admin")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "wrong-password1")
    await page.click("button[type=submit]")
    assert "用户名或密码错误" in await page.inner_text("[role=alert]")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_server}/admin")
    assert "测试员工" in await page.inner_text("[data-testid=current-user]")

    for label, path in PAGES:
        await page.click(f"nav a:text-is('{label}')")
        await page.wait_for_url(f"{live_server}{path}")
        assert await page.inner_text("h1") == label
    await page.screenshot(path=str(ARTIFACTS / "console-audit.png"), full_page=True)

    await page.click("nav a:text-is('部门')")
    await page.fill("[data-testid=department-create] input[name=name]", "华东大区")
    await page.click("[data-testid=department-create] button")
    assert "部门已创建" in await page.inner_text(".flash")
    assert "华东大区" in await page.inner_text("table")

    await page.click("nav a:text-is('门店')")
    form = "[data-testid=store-create]"
    await page.fill(f"{form} input[name=code]", "SH001")
    await page.fill(f"{form} input[name=name]", "重复的店")
    await page.select_option(f"{form} select[name=department_id]", label="总部")
    await page.click(f"{form} button")
    assert "门店编码“SH001”已存在" in await page.inner_text("[role=alert]")
    await page.screenshot(path=str(ARTIFACTS / "console-stores.png"), full_page=True)

    await page.set_viewport_size({"width": 800, "height": 1100})  # tablet
    await page.click("nav a:text-is('员工')")
    assert await page.is_visible("[data-testid=staff-table]")
    await page.click("text=退出")
    await page.wait_for_url(f"{live_server}/admin/login")
    assert errors == []
    await context.close()
