"""The 合同 and 订单 screens in the system Chromium: every form once valid (exact database
values) and once invalid (the Chinese error under its field, the database unchanged) — the
contract form, 从报价单创建, attachments, 发起审批, 创建订单 with its payment proof, and 发货单."""

import re
from typing import Any

import pytest

from crm_core import clock
from crm_core.approvals.models import ApprovalRequest
from crm_core.org.models import Department
from crm_core.sales.contracts.models import Contract, ContractAttachment, ContractLine
from crm_core.sales.orders.models import ContractOrder, ContractOrderLine, DeliveryNote
from crm_core.sales.quotes.models import Quote, QuoteLine
from tests.crm_core.catalog.factories import make_sku
from tests.crm_core.customers.factories import make_customer
from tests.e2e.spa import ConsoleTab, choose, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    error = scope.locator(".el-form-item", has=label_of).locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def sales_team() -> dict[str, Any]:
    east = await Department.create(name="华东销售部")
    rep = await make_staff("sales_rep", department=east, username="rep")
    manager = await make_staff("sales_manager", department=east, username="manager")
    customer = await make_customer(rep, "北京茶行", "13800138000")
    tea = await make_sku("普洱茶饼", "PE-357", 12_900, spec="357g", unit="饼")
    return {"rep": rep, "manager": manager, "customer": customer, "tea": tea}


async def test_a_rep_writes_a_contract_attaches_a_scan_and_submits_it(
    live_server: str, browser: Any
) -> None:
    team = await sales_team()
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/contracts")
    await page.click("[data-test=create]")
    await page.wait_for_url(re.compile(r".*/admin/contracts/new$"))
    await page.wait_for_load_state("networkidle")
    await page.fill("input[name=title]", "年度供货合同")
    await choose(tab, "[data-test=customer]", "北京", "北京茶行")
    await page.fill("input[name=start-date]", "2099-06-01")
    await page.keyboard.press("Enter")
    await page.fill("input[name=end-date]", "2099-05-01")
    await page.keyboard.press("Enter")
    await choose(tab, "[data-test=line-sku-0]", "PE", "PE-357")
    await page.fill("input[name=line-quantity-0]", "10")
    await page.locator("input[name=discount]").click()
    await page.locator("[data-test=subtotal]", has_text="1,290.00").wait_for()

    tab.expect_failure("POST", "/api/v1/contracts", 422)
    await submit(tab, "save")
    assert await error_under(page.locator(".page"), "合同期限") == "结束日期不能早于开始日期"
    assert await Contract.all().count() == 0

    await page.fill("input[name=end-date]", "2100-05-31")
    await page.keyboard.press("Enter")
    await page.fill("input[name=discount]", "90")
    await page.locator("[data-test=total]", has_text="1,200.00").wait_for()
    await submit(tab, "save")
    await page.wait_for_url(re.compile(r".*/admin/contracts/\d+$"))
    contract = await Contract.get(customer_id=team["customer"].id)
    assert (
        contract.number,
        contract.title,
        contract.status,
        contract.subtotal_fen,
        contract.discount_fen,
        contract.amount_fen,
        str(contract.start_date),
        str(contract.end_date),
        contract.owner_id,
    ) == (
        f"HT-{clock.local_now().year}-0001",
        "年度供货合同",
        "draft",
        129_000,
        9_000,
        120_000,
        "2099-06-01",
        "2100-05-31",
        team["rep"].id,
    )
    assert await ContractLine.all().values_list("sku_code", "quantity", "amount_fen") == [
        ("PE-357", 10, 129_000)
    ]

    # Attachments: a text file named .pdf is refused under the field, a real PDF is kept.
    tab.expect_failure("POST", r"/api/v1/contracts/\d+/attachments", 422)
    await page.set_input_files(
        "[data-test=attachment-file]",
        files=[{"name": "合同.pdf", "mimeType": "application/pdf", "buffer": b"hello"}],
    )
    await submit(tab, "attachment-upload")
    assert (
        await error_under(page.locator("[data-test=attachments]"), "上传文件")
        == "只能上传 PDF 或图片（PNG、JPEG、WEBP）文件"
    )
    assert await ContractAttachment.all().count() == 0
    await page.set_input_files(
        "[data-test=attachment-file]",
        files=[{"name": "合同扫描件.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    await submit(tab, "attachment-upload")
    await page.locator("[data-test=attachments]", has_text="合同扫描件.pdf").wait_for()
    assert await ContractAttachment.all().values_list("name", "content_type", "size") == [
        ("合同扫描件.pdf", "application/pdf", len(PDF))
    ]
    attachment = await ContractAttachment.get()
    async with page.expect_download() as downloading:
        await page.click(f"[data-test=download-{attachment.id}]")
    download = await downloading.value
    assert open(await download.path(), "rb").read() == PDF  # noqa: ASYNC230, SIM115

    # 发起审批: no amount asked (the contract's own), then the form locks.
    await page.click("[data-test=approval-open]")
    box = dialog(tab)
    await box.locator("textarea[name=approval-reason]").fill("请审批")
    await submit(tab, "approval-submit")
    await page.locator("[data-test=approval-status]", has_text="审批中").wait_for()
    await page.locator("[data-test=status]", has_text="审核中").wait_for()
    request = await ApprovalRequest.get(kind="contract")
    assert (request.record_id, request.amount_fen, request.reason) == (
        contract.id,
        120_000,
        "请审批",
    )
    assert await page.locator("input[name=title]").is_disabled()
    await tab.screenshot("contract")
    tab.assert_clean()
    await tab.close()


async def test_a_contract_from_a_quote(live_server: str, browser: Any) -> None:
    team = await sales_team()
    now = clock.utc_now()
    quote = await Quote.create(
        number="BJ-2099-0001",
        customer_id=team["customer"].id,
        owner_id=team["rep"].id,
        status="sent",
        valid_until="2099-12-31",
        subtotal_fen=25_800,
        total_fen=25_800,
        created_at=now,
        updated_at=now,
    )
    await QuoteLine.create(
        quote=quote,
        sku=team["tea"],
        sku_code="PE-357",
        product_name="普洱茶饼",
        unit="饼",
        quantity=2,
        unit_price_fen=12_900,
        amount_fen=25_800,
    )
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/contracts")
    await page.click("[data-test=from-quote]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/contracts/from-quote", 422)
    await submit(tab, "from-quote-save")
    assert await error_under(box, "报价单") != ""
    assert await Contract.all().count() == 0
    await choose(tab, "[data-test=quote]", "BJ", "BJ-2099-0001")
    await submit(tab, "from-quote-save")
    await page.wait_for_url(re.compile(r".*/admin/contracts/\d+$"))
    contract = await Contract.get()
    assert (contract.quote_id, contract.title, contract.amount_fen) == (
        quote.id,
        "北京茶行 合同（BJ-2099-0001）",
        25_800,
    )
    tab.assert_clean()
    await tab.close()


async def approved_contract(team: dict[str, Any]) -> Contract:
    now = clock.utc_now()
    contract = await Contract.create(
        number="HT-2099-0001",
        title="年度供货合同",
        customer_id=team["customer"].id,
        owner_id=team["rep"].id,
        status="approved",
        subtotal_fen=129_000,
        amount_fen=129_000,
        created_at=now,
        updated_at=now,
    )
    await ContractLine.create(
        contract=contract,
        sku=team["tea"],
        sku_code="PE-357",
        product_name="普洱茶饼",
        unit="饼",
        quantity=10,
        unit_price_fen=12_900,
        amount_fen=129_000,
    )
    return contract


async def test_an_order_from_a_contract_then_a_delivery_note(
    live_server: str, browser: Any
) -> None:
    team = await sales_team()
    contract = await approved_contract(team)
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto(f"/admin/contracts/{contract.id}")
    await page.click("[data-test=create-order]")
    await page.wait_for_url(re.compile(r".*/admin/orders/new\?contract=\d+$"))
    await page.locator("[data-test=lines]", has_text="PE-357").wait_for()
    await page.fill("input[name=take-0]", "11")
    await page.set_input_files(
        "[data-test=proof]",
        files=[{"name": "打款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    tab.expect_failure("POST", "/api/v1/orders", 409)
    await submit(tab, "save")
    assert (
        await error_under(page.locator(".page"), "产品")
        == "第 1 行「普洱茶饼」超出合同剩余数量（剩余 10）"
    )
    assert await ContractOrder.all().count() == 0
    await page.fill("input[name=take-0]", "6")
    await page.locator("[data-test=total]", has_text="774.00").wait_for()
    await submit(tab, "save")
    await page.wait_for_url(re.compile(r".*/admin/orders/\d+$"))
    order = await ContractOrder.get()
    assert (
        order.contract_id,
        order.status,
        order.amount_fen,
        order.proof_name,
        order.proof_size,
    ) == (contract.id, "reviewing", 77_400, "打款凭证.pdf", len(PDF))
    assert await ApprovalRequest.filter(kind="order", record_id=order.id).count() == 1
    await page.locator("[data-test=status]", has_text="审核中").wait_for()
    tab.assert_clean()
    await tab.close()

    # The manager approves it (the engine's own screens are tested elsewhere) and ships.
    await ContractOrder.filter(id=order.id).update(status="to_deliver")
    tab = await open_console(browser, live_server, "manager")
    page = tab.page
    await tab.goto(f"/admin/orders/{order.id}")
    await page.click("[data-test=ship]")
    box = dialog(tab)
    await box.locator("input[name=shipped-on]").fill("2099-06-02")
    await page.keyboard.press("Enter")
    await box.locator("input[name=carrier]").fill("顺丰")
    await box.locator("input[name=ship-0]").fill("7")
    tab.expect_failure("POST", r"/api/v1/orders/\d+/deliveries", 409)
    await submit(tab, "ship-save")
    assert await error_under(box, "发货数量") == "第 1 行「普洱茶饼」发货数量超出未发数量（未发 6）"
    assert await DeliveryNote.all().count() == 0
    await box.locator("input[name=ship-0]").fill("4")
    await submit(tab, "ship-save")
    await page.locator("[data-test=deliveries]", has_text="普洱茶饼 × 4").wait_for()
    await page.locator("[data-test=status]", has_text="部分发货").wait_for()
    assert await ContractOrderLine.all().values_list("quantity", "delivered_quantity") == [(6, 4)]
    assert await DeliveryNote.all().values_list("carrier", "created_by_id") == [
        ("顺丰", team["manager"].id)
    ]
    await page.locator("[data-test=lines] .el-progress", has_text="66%").wait_for()
    await tab.screenshot("order")
    tab.assert_clean()
    await tab.close()
