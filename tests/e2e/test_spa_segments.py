"""The segment builder in the system Chromium: a marketer picks a condition, sees the live count,
per-condition count and preview, and saves; an impossible range shows the API's refusal at its
condition row and saves nothing."""

from typing import Any

import pytest
from playwright.async_api import expect

from analytics.customers.models import MemberRfm
from campaigns.segments.models import Segment
from crm_core import clock
from crm_core.org.models import Department
from loyalty.points.models import Account
from loyalty.program.models import Tier
from members.models import Member
from tests.e2e.spa import ConsoleTab, open_console
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.browser


async def seed() -> None:
    root = await Department.create(name="总部")
    await make_staff("marketer", username="mkt", department=root)
    gold = await Tier.create(code="gold", name="金卡", rank=1, threshold=0)
    basic = await Tier.create(code="basic", name="普卡", rank=0, threshold=0)
    for n, tier in enumerate([gold, gold, gold, basic, basic]):
        member = await Member.create(name=f"会员{n}", created_at=clock.utc_now())
        await Account.create(member=member, tier=tier, created_at=clock.utc_now())


async def console(browser: Any, base: str) -> ConsoleTab:
    tab = await open_console(browser, base, "mkt", login=False)
    signed = await tab.context.request.post(
        f"{base}/api/v1/auth/session", data={"username": "mkt", "password": PASSWORD}
    )
    assert signed.status == 200, await signed.text()
    return tab


async def choose(tab: ConsoleTab, select: str, option: str) -> None:
    await tab.page.locator(f"{select} .el-select__wrapper").last.click()
    item = tab.page.locator(".el-select-dropdown__item:visible", has_text=option).first
    await item.wait_for()
    await item.click()


async def test_a_valid_segment_is_counted_and_saved(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    await tab.goto("/admin/campaigns/segments")
    await tab.page.get_by_text("还没有人群").wait_for()
    await tab.page.click("[data-test=segment-new]")
    await tab.page.wait_for_url("**/admin/campaigns/segments/new")
    await tab.page.fill("input[data-test=segment-name]", "金卡会员")
    await tab.page.click("[data-test=segment-add-group]")
    await choose(tab, "[data-test=condition-value]", "金卡")
    await tab.page.keyboard.press("Escape")
    count = tab.page.locator("[data-test=segment-count]")
    await expect(count).to_have_text("3")
    assert await tab.page.inner_text("[data-test=condition-count]") == "单独满足 3 人"
    assert await tab.page.locator("[data-test=segment-preview] tbody tr").count() == 3
    await tab.page.click("[data-test=segment-save]")
    await tab.page.wait_for_url("**/admin/campaigns/segments")
    assert await Segment.all().values_list("name", "member_count") == [("金卡会员", 3)]
    row = tab.page.locator(".el-table__row", has_text="金卡会员")
    await expect(row).to_contain_text("3")
    tab.assert_clean()
    await tab.close()


async def test_an_impossible_range_is_refused_at_its_row(live_server: str, browser: Any) -> None:
    await seed()
    tab = await console(browser, live_server)
    for path in ("preview", "explain", ""):
        tab.expect_failure("POST", "/api/v1/campaigns/segments" + (f"/{path}" if path else ""), 422)
    await tab.goto("/admin/campaigns/segments/new")
    await tab.page.fill("input[data-test=segment-name]", "年龄不对")
    await tab.page.click("[data-test=segment-add-group]")
    await choose(tab, "[data-test=condition-field]", "年龄")
    await choose(tab, "[data-test=condition-op]", "介于")
    numbers = tab.page.locator("[data-test=condition-value] .el-input-number input")
    await numbers.nth(0).fill("50")
    await numbers.nth(0).press("Tab")
    await numbers.nth(1).fill("20")
    await numbers.nth(1).press("Tab")
    await tab.page.click("[data-test=segment-save]")
    error = tab.page.locator("[data-test=condition-error]")
    await error.wait_for()
    assert await error.inner_text() == "条件「年龄」的值的最小值不能大于最大值"
    assert tab.page.url.endswith("/admin/campaigns/segments/new")
    assert await Segment.all().count() == 0
    tab.assert_clean()
    await tab.close()


async def test_a_segment_by_rfm_class(live_server: str, browser: Any) -> None:
    await seed()
    members = await Member.all().order_by("id")
    for n, member in enumerate(members):
        await MemberRfm.create(
            member_id=member.id,
            recency_days=10,
            frequency=1,
            monetary_fen=100,
            r_score=3,
            f_score=3,
            m_score=3,
            rfm_class="important_value" if n < 2 else "general_retain",
            last_purchase_at=clock.utc_now(),
            churned=False,
            churn_risk=False,
            computed_on=clock.utc_now().date(),
        )
    tab = await console(browser, live_server)
    await tab.goto("/admin/campaigns/segments/new")
    await tab.page.fill("input[data-test=segment-name]", "重要价值")
    await tab.page.click("[data-test=segment-add-group]")
    await choose(tab, "[data-test=condition-field]", "RFM 客户分类")
    await choose(tab, "[data-test=condition-value]", "重要价值客户")
    await tab.page.keyboard.press("Escape")
    await expect(tab.page.locator("[data-test=segment-count]")).to_have_text("2")
    await tab.page.click("[data-test=segment-save]")
    await tab.page.wait_for_url("**/admin/campaigns/segments")
    assert await Segment.all().values_list("name", "member_count") == [("重要价值", 2)]
    tab.assert_clean()
    await tab.close()
