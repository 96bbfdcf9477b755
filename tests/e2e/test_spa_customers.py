"""The 客户 screens in the system Chromium: every form once valid (exact database values) and
once invalid (the Chinese error under its field, the database unchanged); phones of other
reps' customers masked on screen."""

import re
from typing import Any

import pytest

from crm_core.customers.models import Contact, Customer, FollowUp, TransferRecord
from crm_core.org.models import Department, Staff
from tests.crm_core.customers.factories import make_customer
from tests.e2e.spa import ConsoleTab, choose, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser


async def people() -> dict[str, Staff]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东销售部", parent=root)
    found = {}
    for username, role, name in (
        ("rep", "sales_rep", "王销售"),
        ("mate", "sales_rep", "李销售"),
        ("manager", "sales_manager", "赵经理"),
        ("guide", "guide", "钱导购"),
    ):
        staff = await make_staff(role, department=east, username=username)
        staff.name = name
        await staff.save()
        found[username] = staff
    return found


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    # A <label> for an input, a <div> for anything else (the file input).
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    item = scope.locator(".el-form-item", has=label_of)
    error = item.locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def customers() -> list[tuple[object, ...]]:
    return [
        (c.name, c.phone, c.owner_id, c.level, c.industry)
        for c in await Customer.all().order_by("id")
    ]


async def test_a_rep_creates_and_edits_a_customer(live_server: str, browser: Any) -> None:
    staff = await people()
    await make_customer(staff["mate"], "老客户", "13800138009")
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/customers")
    await page.click("[data-test=create]")
    box = dialog(tab)

    # Invalid phone: refused under 手机, nothing written.
    tab.expect_failure("POST", "/api/v1/customers", 422)
    await box.locator("input[name=name]").fill("张三")
    await box.locator("input[name=phone]").fill("12345")
    await submit(tab, "save")
    assert (await error_under(box, "手机")).startswith("不是有效的电话号码")
    # A duplicate of another rep's customer: named, its phone masked, under 手机.
    tab.expect_failure("POST", "/api/v1/customers", 409)
    await box.locator("input[name=name]").fill("老客户")
    await box.locator("input[name=phone]").fill("138 0013 8009")
    await submit(tab, "save")
    assert await error_under(box, "手机") == "客户已存在：老客户（138****8009），负责人：李销售"
    assert await customers() == [("老客户", "+8613800138009", staff["mate"].id, "c", "")]

    await box.locator("input[name=name]").fill("张三")
    await box.locator("input[name=phone]").fill("139 0013 9000")
    await box.locator("input[name=industry]").fill("零售")
    await submit(tab, "save")
    await page.wait_for_url(re.compile(r".*/admin/customers/\d+$"))
    await page.locator("[data-test=customer-info]", has_text="13900139000").wait_for()
    assert (await customers())[1] == ("张三", "+8613900139000", staff["rep"].id, "c", "零售")

    # Editing: the phone is read-only; an empty name is refused under its field.
    await page.click("[data-test=edit]")
    box = dialog(tab)
    assert await box.locator("input[name=phone]").is_disabled()
    tab.expect_failure("PATCH", r"/api/v1/customers/\d+", 422)
    await box.locator("input[name=name]").fill("")
    await submit(tab, "save")
    assert await error_under(box, "姓名") == "内容太短"
    await box.locator("input[name=name]").fill("张三丰")
    await box.locator("input[name=industry]").fill("批发")
    await submit(tab, "save")
    await page.locator(".page-header h2", has_text="张三丰").wait_for()
    assert (await customers())[1] == ("张三丰", "+8613900139000", staff["rep"].id, "c", "批发")
    await tab.screenshot("customer-detail")
    tab.assert_clean()
    await tab.close()


async def test_contacts_and_follow_ups_on_the_detail_page(live_server: str, browser: Any) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "某贸易公司", "02112345678", kind="company")
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto(f"/admin/customers/{customer.id}")
    await page.click("[data-test=contact-add]")
    box = dialog(tab)
    tab.expect_failure("POST", r"/api/v1/customers/\d+/contacts", 422)
    await box.locator("input[name=contact-name]").fill("王经理")
    await box.locator("input[name=contact-phone]").fill("1390")
    await submit(tab, "contact-save")
    assert (await error_under(box, "手机")).startswith("不是有效的电话号码")
    assert await Contact.all().count() == 0
    await box.locator("input[name=contact-phone]").fill("13900139000")
    await box.locator("input[name=contact-title]").fill("采购经理")
    await submit(tab, "contact-save")
    await page.locator("[data-test=contacts]", has_text="采购经理").wait_for()
    assert [(c.name, c.phone, c.title) for c in await Contact.all()] == [
        ("王经理", "+8613900139000", "采购经理")
    ]

    tab.expect_failure("POST", r"/api/v1/customers/\d+/follow-ups", 422)
    await submit(tab, "follow-save")
    assert await error_under(page.locator(".follow-form"), "内容") == "内容太短"
    assert await FollowUp.all().count() == 0
    await page.locator("[data-test=follow-kind] label", has_text="拜访").click()
    await page.fill("textarea[name=follow-content]", "上门拜访，约下周签约")
    await submit(tab, "follow-save")
    await page.locator("[data-test=follow-ups]", has_text="上门拜访，约下周签约").wait_for()
    row = await FollowUp.get(customer_id=customer.id)
    assert (row.kind, row.content, row.staff_id, row.next_contact_at) == (
        "visit",
        "上门拜访，约下周签约",
        staff["rep"].id,
        None,
    )
    saved = await Customer.get(id=customer.id)
    assert saved.last_followed_at == row.at
    tab.assert_clean()
    await tab.close()


async def test_a_manager_sees_masked_phones_and_transfers_in_a_batch(
    live_server: str, browser: Any
) -> None:
    staff = await people()
    a = await make_customer(staff["rep"], "张三", "13800138001")
    b = await make_customer(staff["rep"], "李四", "13800138002")
    tab = await open_console(browser, live_server, "manager")
    page = tab.page
    await tab.goto("/admin/customers")
    table = page.locator(".data-table")
    await table.locator(".el-table__row", has_text="138****8001").wait_for()
    assert "13800138001" not in await table.inner_text()
    for name in ("张三", "李四"):
        await table.locator(".el-table__row", has_text=name).locator(".el-checkbox").click()
    await page.click("[data-test=transfer]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/customers/transfers", 409)
    await choose(tab, ".el-dialog:visible [data-test=to-staff]", "钱", "钱导购")
    await submit(tab, "transfer-save")
    assert await error_under(box, "接收人") == "钱导购 已停用或没有客户权限，不能负责客户"
    assert await TransferRecord.all().count() == 0
    await choose(tab, ".el-dialog:visible [data-test=to-staff]", "李", "李销售")
    await box.locator("input[name=reason]").fill("离职交接")
    await submit(tab, "transfer-save")
    await page.locator(".el-message--success", has_text="客户已转移").wait_for()
    owners = [(c.id, c.owner_id) for c in await Customer.all().order_by("id")]
    assert owners == [(a.id, staff["mate"].id), (b.id, staff["mate"].id)]
    assert sorted(
        (t.customer_id, t.from_staff_id, t.to_staff_id, t.reason)
        for t in await TransferRecord.all()
    ) == [
        (a.id, staff["rep"].id, staff["mate"].id, "离职交接"),
        (b.id, staff["rep"].id, staff["mate"].id, "离职交接"),
    ]
    await tab.screenshot("customers-list")
    tab.assert_clean()
    await tab.close()


async def test_the_import_dialog_checks_then_imports(
    live_server: str, browser: Any, tmp_path: Any
) -> None:
    staff = await people()
    await make_customer(staff["mate"], "老客户", "13800138009")
    bad = tmp_path / "bad.csv"
    bad.write_text("名字,电话\n张三,13800138001\n", encoding="utf-8")
    good = tmp_path / "客户.csv"
    good.write_text(
        "客户名称,手机,级别\n张三,13800138001,A\n老客户,13800138009,\n王五,123,\n",
        encoding="utf-8",
    )
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/customers")
    await page.click("[data-test=import]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/customers/imports", 422)
    await box.locator("input[data-test=import-file]").set_input_files(str(bad))
    await submit(tab, "import-check")
    assert (await error_under(box, "文件")).startswith("无法读取导入文件：第一行须是表头")

    await box.locator("input[data-test=import-file]").set_input_files(str(good))
    await submit(tab, "import-check")
    summary = box.locator("[data-test=import-summary]")
    await summary.filter(has_text="可新建 1 行，重复 1 行，无效 1 行").wait_for()
    rows = box.locator("[data-test=import-rows]")
    await rows.filter(has_text="客户已存在：老客户（138****8009），负责人：李销售").wait_for()
    assert await Customer.all().count() == 1

    await submit(tab, "import-save")
    await summary.filter(has_text="已新建 1 行").wait_for()
    created = await Customer.get(name="张三")
    assert (created.phone, created.level, created.source, created.owner_id) == (
        "+8613800138001",
        "a",
        "import",
        staff["rep"].id,
    )
    assert await Customer.all().count() == 2
    tab.assert_clean()
    await tab.close()
