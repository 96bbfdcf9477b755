"""回款计划 and 应收账龄 in the system Chromium: a rep adds an instalment to a signed contract
(once beyond the contract amount: the error under 金额, nothing written), records a receipt
for it from the plan (once beyond what remains: 409 under 金额, nothing written), and reads
the aging."""

from typing import Any

import pytest

from crm_core.org.models import Department
from crm_core.payments.models import FundAccount, Instalment, JournalEntry, Receipt
from crm_core.payments.service import receivables
from tests.crm_core.customers.factories import make_customer
from tests.crm_core.payments.factories import make_contract
from tests.e2e.spa import open_console, submit
from tests.e2e.test_spa_payments import dialog, error_under, pick
from tests.factories import make_staff

pytestmark = pytest.mark.browser


async def test_a_rep_plans_instalments_and_records_a_receipt_against_one(
    live_server: str, browser: Any
) -> None:
    root = await Department.create(name="总部")
    rep = await make_staff("sales_rep", department=root, username="rep")
    customer = await make_customer(rep, "北京茶行", "13800138000")
    contract = await make_contract(rep, customer, 100_000, "HT2026-0001")
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
    await tab.goto(f"/admin/contracts/{contract.id}")
    await page.click("[data-test=plan-add]")
    box = dialog(tab)
    await box.locator(".money-input input").fill("2000")
    await box.locator("input[name=plan-note]").fill("首付")
    tab.expect_failure("POST", r"/api/v1/payments/contracts/\d+/plan/instalments", 422)
    await submit(tab, "plan-save")
    assert await error_under(box, "金额") == "各期金额合计 2,000.00 元超过合同金额 1,000.00 元"
    assert await Instalment.all().count() == 0
    await box.locator(".money-input input").fill("300")
    await submit(tab, "plan-save")
    assert await Instalment.all().values_list("contract_id", "amount_fen", "note") == [
        (contract.id, 30_000, "首付")
    ]
    await page.locator("[data-test=plan] .el-tag", has_text="未到期").wait_for()

    # 登记回款 from the instalment: the contract and the amount come filled in.
    await page.click("[data-test=plan-receive-1]")
    box = dialog(tab)
    assert await box.locator("[data-test=preset]").inner_text() == "北京茶行 · HT2026-0001 第 1 期"
    await pick(tab, "[data-test=account]", "招行")
    await box.locator(".money-input input").fill("1500")
    tab.expect_failure("POST", "/api/v1/payments/receipts", 409)
    await submit(tab, "save")
    assert await error_under(box, "金额") == "回款 1,500.00 元超过合同尚未回款的 1,000.00 元"
    assert await Receipt.all().count() == 0
    await box.locator(".money-input input").fill("300")
    await submit(tab, "save")
    assert await Receipt.all().values_list(
        "customer_id", "contract_id", "plan_id", "amount_fen", "status"
    ) == [(customer.id, contract.id, (await Instalment.get()).id, 30_000, "pending")]
    await page.locator("[data-test=plan]", has_text="待审核 300.00 元").first.wait_for()

    # 应收账龄: the instalment is still owed (the receipt awaits finance).
    await tab.goto("/admin/aging")
    await page.locator("[data-test=aging]", has_text="北京茶行").wait_for()
    assert "300.00" in await page.locator("[data-test=aging]").inner_text()

    # The daily task's reminder (the instalment is due today) shows on the rep's workbench.
    assert await receivables.record_reminders() == 1
    await tab.goto("/admin")
    reminder = page.locator("[data-test=plan-reminders]")
    await reminder.wait_for()
    assert "HT2026-0001" in await reminder.inner_text()
    await tab.goto("/admin/plan-reminders")
    await page.locator("[data-test=reminders]", has_text="即将到期").wait_for()
    tab.assert_clean()
    await tab.close()
