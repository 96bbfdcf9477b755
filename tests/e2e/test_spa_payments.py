"""The cash side in the system Chromium: 资金账户, 供应商, 付款 (approval, pay), 出纳日记账
(adjust, reverse), 资金报表 and 回款 (proof upload, finance review) — every form once valid (exact
database values) and once invalid (the Chinese error under its field, the database unchanged)."""

from typing import Any

import pytest

from crm_core.approvals.models import ApprovalRequest
from crm_core.approvals.schemas import Decision
from crm_core.approvals.service import decisions
from crm_core.org.models import Department
from crm_core.payments.models import FundAccount, JournalEntry, Receipt, Supplier, SupplierPayment
from tests.crm_core.customers.factories import make_customer
from tests.crm_core.payments.factories import principal
from tests.e2e.spa import ConsoleTab, choose, confirm, is_write, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    error = scope.locator(".el-form-item", has=label_of).locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def pick(tab: ConsoleTab, select: str, option: str) -> None:
    await tab.page.click(f"{select} .el-select__wrapper")
    # The newest popper is the last; let the list close before the next pick (it animates).
    await tab.page.locator(".el-select-dropdown__item:visible", has_text=option).last.click()
    await tab.page.locator(".el-select-dropdown__item.is-hovering:visible").wait_for(state="hidden")


async def row_action(tab: ConsoleTab, button: str) -> None:
    """A table row's action (the fixed column renders its buttons twice, one hidden); it writes."""
    async with tab.page.expect_response(is_write):
        await tab.page.locator(f"[data-test={button}]:visible").first.click()
    await tab.page.wait_for_load_state("networkidle")


async def ledger() -> list[tuple[object, ...]]:
    return [
        *await FundAccount.all().order_by("id").values_list("name", "balance_fen"),
        *await JournalEntry.all()
        .order_by("id")
        .values_list("kind", "amount_fen", "balance_after_fen"),
    ]


async def test_a_cashier_keeps_accounts_pays_a_supplier_and_reads_the_report(
    live_server: str, browser: Any
) -> None:
    office = await Department.create(name="财务部")
    await make_staff("finance", department=office, username="cashier")
    head = await make_staff("finance", department=office, username="head")
    tab = await open_console(browser, live_server, "cashier")
    page = tab.page

    await tab.goto("/admin/fund-accounts")
    await page.click("[data-test=create]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/payments/accounts", 422)
    await box.locator(".money-input input").fill("3730")
    await submit(tab, "save")
    assert await error_under(box, "账户名称") == "内容太短"
    assert await FundAccount.all().count() == 0
    await box.locator("input[name=name]").fill("现金")
    await submit(tab, "save")
    await page.locator(".el-table", has_text="3,730.00").first.wait_for()
    assert await FundAccount.all().values_list(
        "name", "kind", "opening_balance_fen", "balance_fen"
    ) == [("现金", "cash", 373_000, 373_000)]

    await tab.goto("/admin/suppliers")
    await page.click("[data-test=create]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/payments/suppliers", 422)
    await box.locator("input[name=contact]").fill("李四")
    await submit(tab, "save")
    assert await error_under(box, "名称") == "内容太短"
    assert await Supplier.all().count() == 0
    await box.locator("input[name=name]").fill("云南茶厂")
    await submit(tab, "save")
    await page.locator(".el-table", has_text="云南茶厂").first.wait_for()
    assert await Supplier.all().values_list("name", "contact", "is_active") == [
        ("云南茶厂", "李四", True)
    ]

    await tab.goto("/admin/supplier-payments")
    await page.click("[data-test=create]")
    box = dialog(tab)
    await pick(tab, "[data-test=supplier]", "云南茶厂")
    await pick(tab, "[data-test=account]", "现金")
    await box.locator(".money-input input").fill("500")
    tab.expect_failure("POST", "/api/v1/payments/supplier-payments", 422)
    await submit(tab, "save")
    assert await error_under(box, "用途") == "内容太短"
    assert await SupplierPayment.all().count() == 0
    await box.locator("input[name=purpose]").fill("茶叶货款")
    await box.locator("input[name=proof]").set_input_files(
        {"name": "发票.png", "mimeType": "image/png", "buffer": PNG}
    )
    async with page.expect_response(
        lambda r: r.url.endswith("/supplier-payments") and r.request.method == "POST"
    ):
        await page.click("[data-test=save]")
    await page.wait_for_load_state("networkidle")
    payment = await SupplierPayment.get()
    assert (payment.amount_fen, payment.purpose, payment.status, payment.proof_id is not None) == (
        50_000,
        "茶叶货款",
        "pending",
        True,
    )
    # The finance head approves (the 审批中心 screens have their own browser tests).
    request = await ApprovalRequest.get(id=payment.approval_id)
    await decisions.approve(
        await principal(head), request.id, Decision(step=1, version=request.version)
    )
    await tab.goto("/admin/supplier-payments")
    await page.locator("[data-test=approval]:visible").first.click()
    await page.locator("[data-test=approval-status]", has_text="已通过").wait_for()
    await row_action(tab, "pay")
    await page.locator(".el-tag", has_text="已付款").first.wait_for()
    # The seed's figure: 3730 less 500 leaves 3230.
    assert await ledger() == [
        ("现金", 323_000),
        ("opening", 373_000, 373_000),
        ("payment", -50_000, 323_000),
    ]

    await tab.goto("/admin/cash-journal")
    await page.click("[data-test=adjust]")
    box = dialog(tab)
    await pick(tab, "[data-test=account]", "现金")
    await box.locator("input[name=reason]").fill("盘点短款")
    tab.expect_failure("POST", "/api/v1/payments/journal/adjustments", 422)
    await submit(tab, "save")
    assert await error_under(box, "金额") == "调整金额不能为 0"
    assert len(await ledger()) == 3
    await box.locator("[data-test=direction] label", has_text="调减").click()
    await box.locator(".money-input input").fill("10")
    await submit(tab, "save")
    await page.locator(".el-table", has_text="调整：盘点短款").first.wait_for()
    await page.locator("[data-test=reverse]:visible").first.click()
    box = dialog(tab)
    await box.locator("input[name=reason]").fill("录错")
    await submit(tab, "save")
    await page.locator(".el-table", has_text="冲销").first.wait_for()
    assert await ledger() == [
        ("现金", 323_000),
        ("opening", 373_000, 373_000),
        ("payment", -50_000, 323_000),
        ("adjustment", -1_000, 322_000),
        ("reversal", 1_000, 323_000),
    ]

    # A second account, then a transfer: first to the same account (refused), then to it.
    await tab.goto("/admin/fund-accounts")
    await page.click("[data-test=create]")
    box = dialog(tab)
    await box.locator("input[name=name]").fill("工行")
    await box.locator("[data-test=kind] label", has_text="银行账户").click()
    await submit(tab, "save")
    await page.locator(".el-table", has_text="工行").first.wait_for()
    await tab.goto("/admin/cash-journal")
    await page.click("[data-test=transfer]")
    box = dialog(tab)
    await pick(tab, "[data-test=account]", "现金")
    await pick(tab, "[data-test=to-account]", "现金")
    await box.locator(".money-input input").fill("1000")
    tab.expect_failure("POST", "/api/v1/payments/journal/transfers", 422)
    await submit(tab, "save")
    assert await error_under(box, "转入账户") == "转出和转入不能是同一个账户"
    assert len(await ledger()) == 7
    await pick(tab, "[data-test=to-account]", "工行")
    await submit(tab, "save")
    await page.locator(".el-table", has_text="账户互转").first.wait_for()
    assert (await ledger())[:2] == [("现金", 223_000), ("工行", 100_000)]
    # A reversal needs its reason.
    await page.locator("[data-test=reverse]:visible").first.click()
    box = dialog(tab)
    tab.expect_failure("POST", r"/api/v1/payments/journal/\d+/reversal", 422)
    await submit(tab, "save")
    assert await error_under(box, "原因") == "内容太短"
    assert len(await ledger()) == 9
    await box.locator("button", has_text="取消").click()

    await tab.goto("/admin/fund-report")
    await page.locator("[data-test=report]", has_text="合计").wait_for()
    await page.locator(".chart-card canvas").first.wait_for()
    tab.assert_clean()


async def test_a_rep_records_a_receipt_with_its_slip_and_finance_confirms_it(
    live_server: str, browser: Any
) -> None:
    root = await Department.create(name="总部")
    rep = await make_staff("sales_rep", department=root, username="rep")
    await make_staff("finance", department=root, username="cashier")
    customer = await make_customer(rep, "北京茶行", "13800138000")
    account = await FundAccount.create(
        name="招行",
        kind="bank",
        opening_balance_fen=0,
        balance_fen=0,
        opened_on="2026-01-01",
        created_at=customer.created_at,
        updated_at=customer.created_at,
    )
    await JournalEntry.create(
        account=account,
        kind="opening",
        amount_fen=0,
        balance_after_fen=0,
        occurred_on="2026-01-01",
        idempotency_key=f"opening:{account.id}",
        request_hash="x",
        created_at=customer.created_at,
    )
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/receipts")
    await page.click("[data-test=create]")
    box = dialog(tab)
    await pick(tab, "[data-test=account]", "招行")
    await box.locator(".money-input input").fill("2500")
    tab.expect_failure("POST", "/api/v1/payments/receipts", 422)
    await submit(tab, "save")
    assert await error_under(box, "客户") == "数值太小"
    assert await Receipt.all().count() == 0
    await choose(tab, "[data-test=customer]", "北京", "北京茶行")
    await box.locator("input[name=proof]").set_input_files(
        {"name": "水单.png", "mimeType": "image/png", "buffer": PNG}
    )
    async with page.expect_response(
        lambda r: r.url.endswith("/receipts") and r.request.method == "POST"
    ):
        await page.click("[data-test=save]")
    await page.wait_for_load_state("networkidle")
    await page.locator(".el-tag", has_text="待审核").first.wait_for()
    assert await Receipt.all().values_list(
        "customer_id", "amount_fen", "status", "created_by_id"
    ) == [(customer.id, 250_000, "pending", rep.id)]
    tab.assert_clean()
    await tab.close()

    other = await make_customer(rep, "上海茶行", "13900139000")
    await Receipt.create(
        customer=other,
        account=account,
        amount_fen=100,
        received_on="2026-06-01",
        method="cash",
        idempotency_key="browser-0002",
        request_hash="x",
        created_by_id=rep.id,
        created_at=customer.created_at,
    )
    tab = await open_console(browser, live_server, "cashier")
    page = tab.page
    await tab.goto("/admin/receipts")
    await page.locator(".el-table", has_text="138****8000").first.wait_for()
    # The newest first: 上海茶行's is rejected (the reason is required), 北京茶行's confirmed.
    await page.locator("[data-test=reject]:visible").first.click()
    await page.locator(".el-message-box__btns .el-button--primary").click()
    await page.locator(".el-message-box__errormsg", has_text="请填写驳回原因").wait_for()
    await page.locator(".el-message-box__input input").fill("凭证不清")
    await confirm(tab)
    await page.locator(".el-tag", has_text="已驳回").first.wait_for()
    await row_action(tab, "confirm")
    await page.locator(".el-tag", has_text="已确认").first.wait_for()
    assert await Receipt.all().order_by("id").values_list("status", "reject_reason") == [
        ("confirmed", ""),
        ("rejected", "凭证不清"),
    ]
    assert await ledger() == [("招行", 250_000), ("opening", 0, 0), ("receipt", 250_000, 250_000)]
    tab.assert_clean()
