"""The 线索 and 商机 screens in the system Chromium: every form once valid (exact database values)
and once invalid (the Chinese error under its field, the database unchanged); a card dragged on
the 商机看板 moves the opportunity in the database."""

import re
from typing import Any

import pytest

from crm_core.customers.models import Contact, Customer
from crm_core.org.models import Department, Staff
from crm_core.sales.leads.models import Lead, LeadFollowUp
from crm_core.sales.opportunities.models import LostReason, Opportunity, Stage, StageVisit
from tests.crm_core.customers.factories import make_customer
from tests.crm_core.sales.factories import make_opportunity, stage
from tests.e2e.spa import ConsoleTab, choose, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser


async def people() -> dict[str, Staff]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东销售部", parent=root)
    found = {"admin": await make_staff("admin", department=root, username="boss")}
    for username, role, name in (("rep", "sales_rep", "王销售"), ("mate", "sales_rep", "李销售")):
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


async def pick_date(box: Any, name: str, text: str) -> None:
    field = box.locator(f"input[name={name}]")
    await field.fill(text)
    await field.press("Enter")


async def test_a_rep_enters_edits_and_converts_a_lead(live_server: str, browser: Any) -> None:
    staff = await people()
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/leads")
    await page.click("[data-test=create]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/sales/leads", 422)
    await box.locator("input[name=name]").fill("李雷")
    await box.locator("input[name=phone]").fill("12345")
    await submit(tab, "save")
    assert (await error_under(box, "手机")).startswith("不是有效的电话号码")
    assert await Lead.all().count() == 0
    await box.locator("input[name=company]").fill("韩梅梅贸易")
    await box.locator("input[name=phone]").fill("139 0013 9000")
    await submit(tab, "save")
    table = page.locator(".data-table")
    await table.locator(".el-table__row", has_text="13900139000").wait_for()
    lead = await Lead.get(name="李雷")
    assert (lead.company, lead.phone, lead.status, lead.owner_id) == (
        "韩梅梅贸易",
        "+8613900139000",
        "new",
        staff["rep"].id,
    )

    # Editing: an empty name is refused under 姓名; the phone is read-only.
    await table.locator(".el-table__row", has_text="李雷").locator("[data-test=edit]").click()
    box = dialog(tab)
    assert await box.locator("input[name=phone]").is_disabled()
    tab.expect_failure("PATCH", r"/api/v1/sales/leads/\d+", 422)
    await box.locator("input[name=name]").fill("")
    await submit(tab, "save")
    assert await error_under(box, "姓名") == "内容太短"
    await box.locator("input[name=name]").fill("李雷雷")
    await submit(tab, "save")
    await table.locator(".el-table__row", has_text="李雷雷").wait_for()
    await lead.refresh_from_db()
    assert (lead.name, lead.company) == ("李雷雷", "韩梅梅贸易")

    # 跟进: an empty record is refused under 内容; a saved one marks the lead 已联系.
    await table.locator(".el-table__row", has_text="李雷雷").locator("[data-test=follow]").click()
    box = dialog(tab)
    tab.expect_failure("POST", r"/api/v1/sales/leads/\d+/follow-ups", 422)
    await submit(tab, "follow-save")
    assert await error_under(box, "内容") == "内容太短"
    assert await LeadFollowUp.all().count() == 0
    await box.locator("textarea[name=follow-content]").fill("电话沟通，下周寄样")
    await submit(tab, "follow-save")
    await box.locator("[data-test=lead-follow-ups]", has_text="电话沟通，下周寄样").wait_for()
    await lead.refresh_from_db()
    assert lead.status == "contacted"
    assert await LeadFollowUp.all().values_list("content", "staff_id") == [
        ("电话沟通，下周寄样", staff["rep"].id)
    ]
    await box.locator(".el-dialog__headerbtn").click()
    await table.locator(".el-table__row", has_text="已联系").wait_for()

    # 转化 with an opportunity: a missing name is refused under its field, nothing written.
    await table.locator(".el-table__row", has_text="李雷雷").locator("[data-test=convert]").click()
    box = dialog(tab)
    await box.locator("[data-test=with-deal]").click()
    await box.locator(".money-input input").fill("12500")
    await pick_date(box, "deal-close", "2027-02-20")
    tab.expect_failure("POST", r"/api/v1/sales/leads/\d+/conversion", 422)
    await submit(tab, "convert-save")
    assert await error_under(box, "商机名称") == "内容太短"
    assert (await Customer.all().count(), await Opportunity.all().count()) == (0, 0)
    await box.locator("input[name=deal-name]").fill("首批样品")
    await box.locator("input[name=contact_title]").fill("采购经理")
    await submit(tab, "convert-save")
    await page.wait_for_url(re.compile(r".*/admin/opportunities/\d+$"))
    await page.locator("[data-test=opportunity-info]", has_text="韩梅梅贸易").wait_for()
    customer = await Customer.get()
    assert (customer.kind, customer.name, customer.phone, customer.owner_id) == (
        "company",
        "韩梅梅贸易",
        "+8613900139000",
        staff["rep"].id,
    )
    contact = await Contact.get()
    assert (contact.name, contact.title, contact.is_primary) == ("李雷雷", "采购经理", True)
    deal = await Opportunity.get()
    assert (deal.customer_id, deal.name, deal.amount_fen, str(deal.expected_close_date)) == (
        customer.id,
        "首批样品",
        1_250_000,
        "2027-02-20",
    )
    await lead.refresh_from_db()
    assert (lead.status, lead.customer_id, lead.opportunity_id) == (
        "converted",
        customer.id,
        deal.id,
    )
    await tab.screenshot("opportunity-detail")
    tab.assert_clean()
    await tab.close()


async def test_a_rep_enters_edits_and_loses_an_opportunity(live_server: str, browser: Any) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "某贸易公司", "02112345678", kind="company")
    await stage("初次沟通")
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/opportunities")
    await page.click("[data-test=create]")
    box = dialog(tab)
    await choose(tab, ".el-dialog:visible [data-test=customer]", "某贸易", "某贸易公司")
    await box.locator("input[name=name]").fill("年度采购")
    await pick_date(box, "close-date", "2027-01-31")
    tab.expect_failure("POST", "/api/v1/sales/opportunities", 422)
    await submit(tab, "save")
    assert await error_under(box, "金额（元）") == "请填写整数"
    assert await Opportunity.all().count() == 0
    await box.locator(".money-input input").fill("50000")
    await submit(tab, "save")
    await page.wait_for_url(re.compile(r".*/admin/opportunities/\d+$"))
    deal = await Opportunity.get()
    first = await Stage.get(name="初次沟通")
    assert (deal.customer_id, deal.name, deal.amount_fen, deal.stage_id, deal.owner_id) == (
        customer.id,
        "年度采购",
        5_000_000,
        first.id,
        staff["rep"].id,
    )

    await page.click("[data-test=edit]")
    box = dialog(tab)
    tab.expect_failure("PATCH", r"/api/v1/sales/opportunities/\d+", 422)
    await box.locator("input[name=name]").fill("")
    await submit(tab, "save")
    assert await error_under(box, "商机名称") == "内容太短"
    await box.locator("input[name=name]").fill("年度采购（二期）")
    await submit(tab, "save")
    await page.locator(".page-header h2", has_text="年度采购（二期）").wait_for()
    await deal.refresh_from_db()
    assert (deal.name, deal.amount_fen) == ("年度采购（二期）", 5_000_000)

    # The stage timeline lists the first stage; then 输单 needs a reason.
    await page.locator("[data-test=stage-timeline]", has_text="进入“初次沟通”").wait_for()
    await page.click("[data-test=lose]")
    box = dialog(tab)
    tab.expect_failure("POST", r"/api/v1/sales/opportunities/\d+/lose", 422)
    await submit(tab, "lose-save")
    assert await error_under(box, "输单原因") == "必填"
    await deal.refresh_from_db()
    assert deal.status == "open"
    await box.locator("[data-test=lost-reason]").click()
    await page.locator(".el-select-dropdown__item:visible", has_text="价格过高").click()
    await box.locator("textarea[name=lost-note]").fill("对方预算砍半")
    await submit(tab, "lose-save")
    await page.locator("[data-test=opportunity-info]", has_text="价格过高").wait_for()
    await deal.refresh_from_db()
    reason = await LostReason.get(name="价格过高")
    assert (deal.status, deal.lost_reason_id, deal.lost_note) == ("lost", reason.id, "对方预算砍半")
    assert await page.locator("[data-test=edit]").count() == 0
    tab.assert_clean()
    await tab.close()


async def test_dragging_a_card_on_the_board_moves_the_opportunity(
    live_server: str, browser: Any
) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "张三", "13800138000")
    deal = await make_opportunity(customer, staff["rep"], name="拖动商机")
    target = await stage("商务洽谈")
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/opportunities/board")
    card = page.locator(f"[data-test=card-{deal.id}]")
    await card.wait_for()
    column = page.locator(f"[data-test=column-{target.id}]")
    async with page.expect_response(lambda r: r.url.endswith(f"/{deal.id}/stage")) as moved:
        await card.drag_to(column)
    assert (await moved.value).status == 200
    await column.locator(f"[data-test=card-{deal.id}]").wait_for()
    await deal.refresh_from_db()
    assert deal.stage_id == target.id
    visits = await StageVisit.filter(opportunity_id=deal.id).order_by("id")
    assert [(v.stage_id, v.left_at is None) for v in visits] == [
        ((await stage("初次沟通")).id, False),
        (target.id, True),
    ]
    await tab.screenshot("opportunity-board")
    await tab.goto("/admin/opportunities/reports")
    await page.locator("[data-test=funnel] .el-table__row", has_text="商务洽谈").wait_for()
    await page.locator("[data-test=weighted-total]", has_text="¥150.00").wait_for()
    tab.assert_clean()
    await tab.close()


async def test_an_admin_edits_stages_and_lost_reasons(live_server: str, browser: Any) -> None:
    staff = await people()
    customer = await make_customer(staff["rep"], "张三", "13800138000")
    await make_opportunity(customer, staff["rep"])
    tab = await open_console(browser, live_server, "boss")
    page = tab.page
    await tab.goto("/admin/opportunities/stages")
    await page.click("[data-test=stage-add]")
    box = dialog(tab)
    before = await Stage.all().count()
    tab.expect_failure("POST", "/api/v1/sales/opportunity-stages", 422)
    await box.locator("input[name=stage-name]").fill("方案演示")
    await box.locator("input[name=stage-probability]").fill("101")
    await submit(tab, "stage-save")
    assert await error_under(box, "赢率 %") == "数值太大"
    assert await Stage.all().count() == before
    await box.locator("input[name=stage-probability]").fill("20")
    await submit(tab, "stage-save")
    await page.locator("[data-test=stages] .el-table__row", has_text="方案演示").wait_for()
    added = await Stage.get(name="方案演示")
    assert (added.probability, added.is_won, added.is_lost) == (20, False, False)
    await page.click(f"[data-test=stage-edit-{added.id}]")
    box = dialog(tab)
    tab.expect_failure("PATCH", r"/api/v1/sales/opportunity-stages/\d+", 422)
    await box.locator("input[name=stage-probability]").fill("-1")
    await submit(tab, "stage-save")
    assert await error_under(box, "赢率 %") == "数值太小"
    await added.refresh_from_db()
    assert added.probability == 20
    await box.locator("input[name=stage-probability]").fill("25")
    await submit(tab, "stage-save")
    await page.locator("[data-test=stages] .el-table__row", has_text="25").first.wait_for()
    await added.refresh_from_db()
    assert added.probability == 25

    # A stage in use cannot be deleted: the refusal is shown, the row stays.
    used = await Stage.get(name="初次沟通")
    tab.expect_failure("DELETE", r"/api/v1/sales/opportunity-stages/\d+", 409)
    await page.click(f"[data-test=stage-delete-{used.id}]")
    await page.click(".el-message-box__btns .el-button--danger")
    await page.locator(".el-message--error", has_text="不能删除").wait_for()
    assert await Stage.exists(id=used.id)

    tab.expect_failure("POST", "/api/v1/sales/lost-reasons", 409)
    await page.fill("input[name=reason-name]", "价格过高")
    await submit(tab, "reason-add")
    assert await error_under(page.locator(".block"), "新原因") == "已有输单原因“价格过高”"
    assert await LostReason.all().count() == 5
    await page.fill("input[name=reason-name]", "预算不足")
    await submit(tab, "reason-add")
    await page.locator("[data-test=reasons]", has_text="预算不足").wait_for()
    assert (await LostReason.get(name="预算不足")).is_active
    tab.assert_clean()
    await tab.close()
