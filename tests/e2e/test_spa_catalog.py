"""The 产品, 产品分类, 报价单 and 报价单模板 screens in the system Chromium: every form once valid
(exact database values) and once invalid (the Chinese error under its field, the database
unchanged); the quote's live totals, its move to 已发送, and its PDF download."""

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from crm_core import clock
from crm_core.catalog.models import CustomField, Product, ProductCategory, Sku
from crm_core.org.models import Department
from crm_core.sales.quotes.models import Quote, QuoteLine, QuoteTemplate
from tests.crm_core.catalog.factories import make_sku
from tests.crm_core.customers.factories import make_customer
from tests.e2e.spa import ConsoleTab, choose, open_console, submit
from tests.factories import make_staff

pytestmark = pytest.mark.browser


def dialog(tab: ConsoleTab) -> Any:
    return tab.page.locator(".el-dialog:visible").last


async def error_under(scope: Any, label: str) -> str:
    label_of = scope.page.locator(f".el-form-item__label:text-is('{label}')")
    error = scope.locator(".el-form-item", has=label_of).locator(".el-form-item__error")
    await error.wait_for()
    return str(await error.inner_text())


async def test_an_admin_keeps_categories_fields_and_products(
    live_server: str, browser: Any
) -> None:
    await make_staff("admin", username="boss")
    tab = await open_console(browser, live_server, "boss")
    page = tab.page
    await tab.goto("/admin/product-categories")

    await page.click("[data-test=category-add]")
    box = dialog(tab)
    await box.locator("input[name=category-name]").fill("茶叶")
    await submit(tab, "category-save")
    await page.locator("[data-test=category-tree]", has_text="茶叶").wait_for()
    assert await ProductCategory.all().values_list("name", "parent_id") == [("茶叶", None)]
    await page.click("[data-test=category-add]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/catalog/categories", 409)
    await box.locator("input[name=category-name]").fill("茶叶")
    await submit(tab, "category-save")
    assert await error_under(box, "名称") == "同级已有名为「茶叶」的分类"
    assert await ProductCategory.all().count() == 1
    await box.locator("button", has_text="取消").click()

    await page.click("[data-test=field-add]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/catalog/fields", 422)
    await box.locator("input[name=field-label]").fill("产地")
    await box.locator("input[name=field-key]").fill("Origin")
    await submit(tab, "field-save")
    assert await error_under(box, "标识") == "格式不正确"
    assert await CustomField.all().count() == 0
    await box.locator("input[name=field-key]").fill("origin")
    await box.locator(".el-switch").click()
    await submit(tab, "field-save")
    await page.locator("[data-test=fields]", has_text="origin").wait_for()
    assert await CustomField.all().values_list(
        "key", "label", "kind", "required", "category_id"
    ) == [("origin", "产地", "text", True, None)]

    await tab.goto("/admin/products")
    await page.click("[data-test=create]")
    box = dialog(tab)
    await box.locator("input[name=name]").fill("普洱茶饼")
    await box.locator("input[name=sku-code-0]").fill("PE-357")
    await box.locator("input[name=sku-spec-0]").fill("357g")
    await box.locator("input[name=sku-price-0]").fill("129.5")
    tab.expect_failure("POST", "/api/v1/catalog/products", 422)
    await submit(tab, "save")
    assert await error_under(box, "产地") == "产地为必填项"
    assert await Product.all().count() == 0
    await box.locator("input[name=custom-origin]").fill("云南")
    await submit(tab, "save")
    await page.locator(".data-table .el-table__row", has_text="PE-357").first.wait_for()
    product = await Product.get(name="普洱茶饼")
    assert (product.unit, product.status, product.custom, product.category_id) == (
        "件",
        "on_sale",
        {"origin": "云南"},
        None,
    )
    assert await Sku.all().values_list("code", "spec", "price_fen") == [("PE-357", "357g", 12_950)]
    await tab.screenshot("products")
    tab.assert_clean()
    await tab.close()


async def test_a_rep_writes_sends_and_prints_a_quote(live_server: str, browser: Any) -> None:
    east = await Department.create(name="华东销售部")
    rep = await make_staff("sales_rep", department=east, username="rep")
    customer = await make_customer(rep, "北京茶行", "13800138000")
    await make_sku("普洱茶饼", "PE-357", 12_900, spec="357g", unit="饼")
    tab = await open_console(browser, live_server, "rep")
    page = tab.page
    await tab.goto("/admin/quotes")
    await page.click("[data-test=create]")
    await page.wait_for_url(re.compile(r".*/admin/quotes/new$"))
    await page.wait_for_load_state("networkidle")
    await choose(tab, "[data-test=customer]", "北京", "北京茶行")
    await page.fill("input[name=valid-until]", "2099-12-31")
    await page.keyboard.press("Enter")
    await choose(tab, "[data-test=line-sku-0]", "PE", "PE-357")
    await page.fill("input[name=line-quantity-0]", "3")
    await page.fill("input[name=line-discount-0]", "10")
    await page.locator("input[name=discount]").click()
    # 3 × 129.00 less 10 %: the editor shows what the server will compute.
    await page.locator("[data-test=subtotal]", has_text="348.30").wait_for()

    tab.expect_failure("POST", "/api/v1/quotes", 422)
    await page.fill("input[name=discount]", "400")
    await submit(tab, "save")
    assert (
        await error_under(page.locator(".page"), "整单优惠（元）")
        == "整单优惠不能超过小计 348.30 元"
    )
    assert await Quote.all().count() == 0

    await page.fill("input[name=discount]", "8.3")
    await page.locator("[data-test=total]", has_text="340.00").wait_for()
    await submit(tab, "save")
    await page.wait_for_url(re.compile(r".*/admin/quotes/\d+$"))
    quote = await Quote.get(customer_id=customer.id)
    assert (
        quote.number,
        quote.status,
        quote.subtotal_fen,
        quote.discount_fen,
        quote.total_fen,
        str(quote.valid_until),
        quote.owner_id,
    ) == (f"BJ-{clock.local_now().year}-0001", "draft", 34_830, 830, 34_000, "2099-12-31", rep.id)
    assert await QuoteLine.all().values_list(
        "sku_code", "quantity", "unit_price_fen", "discount_bp"
    ) == [("PE-357", 3, 12_900, 1000)]

    await submit(tab, "move-sent")
    await page.locator("[data-test=status]", has_text="已发送").wait_for()
    assert await Quote.get(id=quote.id).values_list("status", flat=True) == "sent"
    async with page.expect_download() as downloading:
        await page.click("[data-test=print-pdf]")
    download = await downloading.value
    content = open(await download.path(), "rb").read()  # noqa: ASYNC230, SIM115
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "客户：北京茶行" in text
    assert "合计（元）：340.00" in text
    await tab.screenshot("quote-editor")
    tab.assert_clean()
    await tab.close()


async def test_an_admin_edits_and_previews_the_template(live_server: str, browser: Any) -> None:
    await make_staff("admin", username="boss")
    tab = await open_console(browser, live_server, "boss")
    page = tab.page
    await tab.goto("/admin/quote-template")
    await page.locator("[data-test=columns]", has_text="产品名称").wait_for()
    tab.expect_failure("PUT", "/api/v1/quotes/template", 422)
    await page.fill("input[name=number-prefix]", "bj")
    await submit(tab, "save")
    assert await error_under(page.locator(".page"), "编号前缀") == "格式不正确"
    assert await QuoteTemplate.all().count() == 0
    await page.fill("input[name=number-prefix]", "QT")
    await page.fill("input[name=company-name]", "上海茶业有限公司")
    await page.fill("textarea[name=terms]", "款到发货")
    await submit(tab, "save")
    await page.locator(".el-message--success", has_text="模板已保存").wait_for()
    template = await QuoteTemplate.get(id=1)
    assert (template.number_prefix, template.company_name, template.terms, template.columns) == (
        "QT",
        "上海茶业有限公司",
        "款到发货",
        ["index", "code", "name", "spec", "unit", "quantity", "unit_price", "discount", "amount"],
    )
    async with tab.context.expect_page() as opening:
        await submit(tab, "preview")
    assert (await opening.value).url.startswith("blob:")
    await page.locator("[data-test=preview-link]").wait_for()
    tab.assert_clean()
    await tab.close()


async def test_an_admin_maps_the_tills_unknown_codes_to_skus(
    live_server: str, browser: Any
) -> None:
    from crm_core.catalog.models import TillCode
    from crm_core.sales.models import SalesOrder, SalesOrderLine
    from tests.factories import make_store

    store = await make_store(await Department.create(name="华东"), code="E01")
    now = clock.utc_now()
    for number, codes in (("T1", ["T-001", "T-002"]), ("T2", ["T-001"])):
        order = await SalesOrder.create(
            store=store,
            order_no=number,
            total_fen=1000,
            paid_at=now,
            request_hash="0" * 64,
            created_at=now,
        )
        for code in codes:
            await SalesOrderLine.create(
                order=order,
                product_code=code,
                product_name={"T-001": "龙井 250g", "T-002": "白茶"}[code],
                quantity=1,
                unit_price_fen=500,
                amount_fen=500,
            )
    sku = await make_sku("西湖龙井", "LJ-250", 8800, spec="250g")
    await make_sku("白毫银针", "BH-100", 6800)
    await make_staff("admin", username="boss")
    tab = await open_console(browser, live_server, "boss")
    page = tab.page
    await tab.goto("/admin/till-codes")
    unmapped = page.locator("[data-test=unmapped] .el-table__row")
    await unmapped.first.wait_for()
    assert [await r.locator("td").nth(0).inner_text() for r in await unmapped.all()] == [
        "T-001",
        "T-002",
    ]
    assert await unmapped.first.locator("td").nth(2).inner_text() == "2"

    # Saving without a SKU: the error under the field, nothing mapped.
    await page.click("[data-test=map-T-001]")
    box = dialog(tab)
    await box.locator("[data-test=till-code-save]").click()
    assert await error_under(box, "SKU") == "请选择 SKU"
    assert await TillCode.all().count() == 0

    await choose(tab, "[data-test=till-sku]", "LJ", "LJ-250")
    await submit(tab, "till-code-save")
    await page.locator("[data-test=mapped]", has_text="LJ-250").wait_for()
    assert await TillCode.all().values_list("code", "sku_id") == [("T-001", sku.id)]
    await page.locator("[data-test=unmapped]", has_text="T-001").wait_for(state="detached")

    # A code that is already mapped: the server's 409 under 收银编码, nothing changed.
    await page.click("[data-test=till-code-add]")
    box = dialog(tab)
    tab.expect_failure("POST", "/api/v1/catalog/till-codes", 409)
    await box.locator("input[name=till-code]").fill("T-001")
    await choose(tab, "[data-test=till-sku]", "BH", "BH-100")
    await submit(tab, "till-code-save")
    assert await error_under(box, "收银编码") == "收银编码 T-001 已对应其他 SKU"
    assert await TillCode.all().values_list("code", "sku_id") == [("T-001", sku.id)]
