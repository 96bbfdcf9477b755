"""客户价值, 流失分析 and 获客分析 in the system Chromium: a marketer filters the RFM table by a
class, switches the churn breakdown and the acquisition grouping; phones are masked."""

from typing import Any

import pytest
from playwright.async_api import expect

from analytics.customers import service
from crm_core import clock
from crm_core.org.models import Department
from members.models import Member
from tests.analytics.test_rfm import NOW, build
from tests.e2e.spa import open_console
from tests.factories import make_staff

pytestmark = pytest.mark.browser


async def seed() -> dict[str, int]:
    await make_staff("marketer", username="mkt", department=await Department.create(name="总部"))
    ids = await build()
    await Member.filter(id=ids["A"]).update(phone="+8613800138000")
    with clock.freeze(NOW):
        await service.rebuild_rfm()
    return ids


async def test_rfm_churn_and_acquisition_pages(live_server: str, browser: Any) -> None:
    await seed()
    tab = await open_console(browser, live_server, "mkt")
    await tab.goto("/admin/analytics/rfm")
    rows = tab.page.locator(".el-table__body-wrapper tbody tr")
    await expect(rows).to_have_count(5)
    await tab.page.click("[data-test=class-important_value]")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("138****8000")
    await expect(rows.first).to_contain_text("重要价值客户")
    assert "13800138000" not in await tab.page.content()
    await tab.page.click("[data-test=class-general_keep]")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("D")

    await tab.goto("/admin/analytics/churn")
    kpis = tab.page.locator("[data-test=kpis]")
    await expect(kpis).to_contain_text("5")
    await tab.page.get_by_text("性别", exact=True).click()
    risk = tab.page.locator(".el-table__body-wrapper tbody tr")
    await expect(risk).to_have_count(1)
    await expect(risk.first).to_contain_text("B")

    await tab.goto("/admin/analytics/acquisition")
    table = tab.page.locator("[data-test=rows] tbody tr")
    await expect(table).to_have_count(1)
    await expect(table.first).to_contain_text("未知")
    await tab.page.get_by_text("按门店").click()
    await expect(table.first).to_contain_text("门店 #")
    tab.assert_clean()
    await tab.close()
