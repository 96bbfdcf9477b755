"""The 公海 screens in the system Chromium: claim (and a claim beyond the quota), a manager's
hand-out, trash and restore, the rules page with its dry run, the claim limits, and the
即将掉入公海 hint. Every form once valid (exact database values) and once invalid (the Chinese
error shown, the database unchanged)."""

from datetime import timedelta
from typing import Any

import pytest

from crm_core import clock
from crm_core.customers.models import Customer, TransferRecord
from crm_core.customers.pool.models import PoolReminder, PoolRule, PoolSetting
from crm_core.org.models import Department, Staff
from tests.crm_core.customers.factories import make_customer
from tests.e2e.spa import ConsoleTab, choose, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser


async def people() -> dict[str, Staff]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东销售部", parent=root)
    found = {"admin": await make_staff("admin", department=root, username="admin")}
    for username, role, name in (
        ("rep", "sales_rep", "王销售"),
        ("mate", "sales_rep", "李销售"),
        ("manager", "sales_manager", "赵经理"),
    ):
        staff = await make_staff(role, department=east, username=username)
        staff.name = name
        await staff.save()
        found[username] = staff
    return found


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    error = scope.locator(".el-form-item", has=label_of).locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def pick(tab: ConsoleTab, *names: str) -> None:
    table = tab.page.locator(".data-table")
    for name in names:
        await table.locator(".el-table__row", has_text=name).locator(".el-checkbox").click()


async def owners() -> list[tuple[str, int | None]]:
    return [(c.name, c.owner_id) for c in await Customer.all().order_by("id")]


async def test_a_rep_claims_within_the_quota_and_sees_tomorrows_drops(
    live_server: str, browser: Any
) -> None:
    staff = await people()
    await PoolSetting.create(
        id=1, claim_batch_max=10, claim_daily_quota=2, cooldown_days=7, updated_at=clock.utc_now()
    )
    for n in range(3):
        await make_customer(None, f"公海{n}", f"1380013800{n}")
    await PoolRule.create(level="c", enabled=True, no_follow_up_days=30, updated_at=clock.utc_now())
    mine = await make_customer(staff["rep"], "我的老客户", "13900139000")
    await PoolReminder.create(
        customer=mine,
        owner_id=staff["rep"].id,
        drop_at=mine.created_at + timedelta(days=30),
        reason="no_follow_up",
        created_at=clock.utc_now(),
    )
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/customers")
    hint = page.locator("[data-test=pool-reminders]")
    await hint.filter(has_text="即将掉入公海：1 个客户").wait_for()
    assert "我的老客户" in await hint.inner_text()

    await tab.goto("/admin/pool")
    table = page.locator(".data-table")
    await table.locator(".el-table__row", has_text="138****8000").wait_for()
    assert "13800138000" not in await table.inner_text()
    # Three at once is beyond today's quota of two: refused, nothing claimed.
    tab.expect_failure("POST", "/api/v1/pool/claims", 409)
    await pick(tab, "公海0", "公海1", "公海2")
    await submit(tab, "claim")
    await (
        page.locator("[data-test=claim-error]")
        .filter(has_text="今日领取已达上限：每天最多 2 个，今天还可领取 2 个")
        .wait_for()
    )
    assert await TransferRecord.all().count() == 0
    assert await owners() == [
        ("公海0", None),
        ("公海1", None),
        ("公海2", None),
        ("我的老客户", staff["rep"].id),
    ]
    await pick(tab, "公海2")
    await submit(tab, "claim")
    await page.locator(".el-message--success", has_text="已领取 2 个客户").wait_for()
    await page.locator("[data-test=pool-limits]", has_text="今日已领取 2 / 2 个").wait_for()
    assert await owners() == [
        ("公海0", staff["rep"].id),
        ("公海1", staff["rep"].id),
        ("公海2", None),
        ("我的老客户", staff["rep"].id),
    ]
    await tab.screenshot("pool-list")
    tab.assert_clean()
    await tab.close()


async def test_a_manager_hands_out_trashes_and_restores(live_server: str, browser: Any) -> None:
    staff = await people()
    for n in range(3):
        await make_customer(None, f"公海{n}", f"1380013800{n}")
    tab = await open_console(browser, live_server, "manager")
    page = tab.page
    await tab.goto("/admin/pool")
    await pick(tab, "公海0")
    await page.click("[data-test=assign]")
    box = dialog(tab)
    await submit(tab, "assign-save", sends=False)
    assert await error_under(box, "接收人") == "请选择接收的员工"
    assert await TransferRecord.all().count() == 0
    await choose(tab, ".el-dialog:visible [data-test=assign-staff]", "李", "李销售")
    await submit(tab, "assign-save")
    await page.locator(".el-message--success", has_text="已分配").wait_for()
    history = await TransferRecord.all()
    assert [(t.from_staff_id, t.to_staff_id, t.by_staff_id, t.reason) for t in history] == [
        (None, staff["mate"].id, staff["manager"].id, "公海分配")
    ]

    # Someone claims 公海1 while the dialog is open: refused under 客户, nothing trashed.
    await pick(tab, "公海1")
    await page.click("[data-test=trash]")
    box = dialog(tab)
    await Customer.filter(name="公海1").update(owner_id=staff["rep"].id)
    tab.expect_failure("POST", "/api/v1/pool/trash", 409)
    await box.locator("input[name=trash-reason]").fill("空号")
    await submit(tab, "trash-save")
    assert (await error_under(box, "客户")).endswith("已被领取或已不在公海中")
    assert await Customer.filter(trashed_at__not_isnull=True).count() == 0
    await box.locator(".el-dialog__headerbtn").click()
    await Customer.filter(name="公海1").update(owner_id=None)
    await tab.goto("/admin/pool")
    await pick(tab, "公海1")
    await page.click("[data-test=trash]")
    box = dialog(tab)
    await box.locator("input[name=trash-reason]").fill("空号")
    await submit(tab, "trash-save")
    await page.locator(".el-message--success", has_text="已移入回收站").wait_for()
    trashed = await Customer.get(name="公海1")
    assert (trashed.owner_id, trashed.trashed_by_id) == (None, staff["manager"].id)
    assert trashed.trashed_at is not None

    await page.locator(".el-tabs__item", has_text="回收站").click()
    await page.locator(".data-table .el-table__row", has_text="公海1").wait_for()
    await pick(tab, "公海1")
    await submit(tab, "restore")
    await page.locator(".el-message--success", has_text="已恢复到公海").wait_for()
    await trashed.refresh_from_db()
    assert (trashed.trashed_at, trashed.trashed_by_id) == (None, None)

    # "Run now": a rep's customer past the enabled rule drops into the pool.
    await PoolRule.create(level="c", enabled=True, no_follow_up_days=30, updated_at=clock.utc_now())
    late = await make_customer(staff["rep"], "久未跟进", "13800138009")
    await Customer.filter(id=late.id).update(created_at=clock.utc_now() - timedelta(days=31))
    await page.locator(".el-tabs__item", has_text="公海客户").click()
    await submit(tab, "sweep-now")
    await page.locator(".el-message--success", has_text="已回收 1 个客户").wait_for()
    await page.locator(".data-table .el-table__row", has_text="久未跟进").wait_for()
    await late.refresh_from_db()
    assert (late.owner_id, late.previous_owner_id) == (None, staff["rep"].id)
    tab.assert_clean()
    await tab.close()


async def test_the_rules_page_previews_then_saves(live_server: str, browser: Any) -> None:
    staff = await people()
    clock._frozen = clock.utc_now() - timedelta(days=40)
    await make_customer(staff["rep"], "久未跟进", "13800138001", level="a")
    clock._frozen = None
    tab = await open_console(browser, live_server, "admin")
    page = tab.page
    await tab.goto("/admin/pool/rules")
    await page.click("[data-test=rule-a]")
    box = dialog(tab)
    await box.locator("[data-test=rule-enabled]").click()
    tab.expect_failure("PUT", "/api/v1/pool/rules/a", 422)
    await submit(tab, "rule-save")
    assert await error_under(box, "未跟进天数") == "启用的规则至少要设置一个天数"
    assert await PoolRule.all().count() == 0

    await box.locator("input[name=no-follow-up-days]").fill("30")
    await submit(tab, "dry-run")
    summary = box.locator("[data-test=dry-run-summary]")
    await summary.filter(
        has_text="30 天内将有 1 个客户掉入公海，其中 1 个在下次回收时立即掉入"
    ).wait_for()
    assert "久未跟进" in await box.locator("[data-test=dry-run-rows]").inner_text()
    assert await PoolRule.all().count() == 0
    await submit(tab, "rule-save")
    await page.locator(".el-message--success", has_text="规则已保存").wait_for()
    rule = await PoolRule.get(level="a")
    assert (rule.enabled, rule.no_follow_up_days, rule.no_deal_days, rule.updated_by_id) == (
        True,
        30,
        None,
        staff["admin"].id,
    )

    tab.expect_failure("PUT", "/api/v1/pool/settings", 422)
    await page.locator("input[name=claim-batch-max]").fill("0")
    await submit(tab, "limits-save")
    assert await error_under(page.locator(".limits"), "每次最多领取") == "数值太小"
    assert await PoolSetting.all().count() == 0
    await page.locator("input[name=claim-batch-max]").fill("5")
    await page.locator("input[name=claim-daily-quota]").fill("8")
    await submit(tab, "limits-save")
    await page.locator(".el-message--success", has_text="领取限制已保存").wait_for()
    setting = await PoolSetting.get(id=1)
    assert (setting.claim_batch_max, setting.claim_daily_quota, setting.cooldown_days) == (5, 8, 7)
    await tab.screenshot("pool-rules")
    tab.assert_clean()
    await tab.close()
