"""Quotes printed through the editable template: the PDF's text and the workbook's cells."""

import io
from datetime import UTC, datetime

import httpx
import openpyxl
from pypdf import PdfReader

from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.org.models import Staff
from crm_core.sales.quotes.models import QuoteTemplate
from tests.crm_core.catalog.factories import make_sku
from tests.crm_core.customers.factories import make_customer, make_team
from tests.factories import bearer, make_staff

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
TEMPLATE = {
    "number_prefix": "BJ",
    "title": "报价单",
    "company_name": "上海茶业有限公司",
    "company_address": "上海市静安区南京西路 1 号",
    "company_phone": "021-12345678",
    "header_note": "感谢惠顾 <b>&",
    "footer_note": "本报价单盖章后生效",
    "terms": "1. 款到发货\n2. 含税价",
    "columns": ["index", "code", "name", "quantity", "unit_price", "discount", "amount"],
}


async def quote_for(client: httpx.AsyncClient) -> tuple[int, dict[str, str], dict[str, str]]:
    team = await make_team()
    customer = await make_customer(team.rep, "北京茶行", "13800138000")
    tea = await make_sku("普洱茶饼", "PE-357", 12_900, spec="357g", unit="饼")
    admin = await bearer(team.admin)
    saved = await client.put("/api/v1/quotes/template", json=TEMPLATE, headers=admin)
    assert saved.status_code == 200, saved.text
    rep = await bearer(team.rep)
    with clock.freeze(NOW):
        response = await client.post(
            "/api/v1/quotes",
            json={
                "customer_id": customer.id,
                "valid_until": "2026-06-30",
                "discount_fen": 830,
                "lines": [{"sku_id": tea.id, "quantity": 3, "discount_bp": 1000}],
            },
            headers=rep,
        )
    assert response.status_code == 201, response.text
    return response.json()["id"], rep, await bearer(team.manager)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_the_pdf_carries_the_template_customer_lines_and_totals(
    client: httpx.AsyncClient,
) -> None:
    quote_id, rep, manager = await quote_for(client)
    response = await client.get(f"/api/v1/quotes/{quote_id}/print", headers=rep)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "BJ-2026-0001.pdf" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    for expected in (
        "报价单",
        "上海茶业有限公司",
        "021-12345678",
        # Template text is printed as text, never read as markup.
        "感谢惠顾 <b>&",
        "报价单号：BJ-2026-0001",
        "客户：北京茶行",
        "客户电话：13800138000",
        "有效期至：2026-06-30",
        "序号",
        "产品名称",
        "PE-357",
        "普洱茶饼",
        "129.00",
        "9折",
        "348.30",
        "小计（元）：348.30",
        "整单优惠（元）：8.30",
        "合计（元）：340.00",
        "1. 款到发货",
        "本报价单盖章后生效",
    ):
        assert expected in text, expected
    # 规格 is not among the template's columns.
    assert "357g" not in text
    # The manager prints it too, with the customer's number masked.
    masked = pdf_text(
        (await client.get(f"/api/v1/quotes/{quote_id}/print", headers=manager)).content
    )
    assert "客户电话：138****8000" in masked
    assert "13800138000" not in masked
    printed = await AuditLog.filter(action="sales.quote_printed").values_list("after", flat=True)
    assert printed == [{"format": "pdf", "number": "BJ-2026-0001"}] * 2


async def test_the_workbook_has_exact_cells(client: httpx.AsyncClient) -> None:
    quote_id, rep, _ = await quote_for(client)
    response = await client.get(
        f"/api/v1/quotes/{quote_id}/print", params={"format": "xlsx"}, headers=rep
    )
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    cells = [[c for c in row if c is not None] for row in rows]
    assert cells[:6] == [
        ["报价单"],
        ["上海茶业有限公司"],
        ["上海市静安区南京西路 1 号"],
        ["021-12345678"],
        ["感谢惠顾 <b>&"],
        ["报价单号", "BJ-2026-0001"],
    ]
    assert ["客户", "北京茶行"] in cells
    assert ["客户电话", "13800138000"] in cells
    header = cells.index(["序号", "编码", "产品名称", "数量", "单价（元）", "折扣", "金额（元）"])
    assert cells[header + 1] == ["1", "PE-357", "普洱茶饼", 3, 129, "9折", 348.3]
    assert ["小计（元）", 348.3] in cells
    assert ["整单优惠（元）", 8.3] in cells
    assert ["合计（元）", 340] in cells


async def test_a_bad_template_is_refused_and_the_old_one_kept(client: httpx.AsyncClient) -> None:
    _, rep, _ = await quote_for(client)
    team_admin = await bearer(await make_team_admin())
    before = await QuoteTemplate.all().values_list("columns", "company_name")
    for change, code in (
        ({"columns": ["index", "code"]}, "validation_error"),
        ({"columns": ["name", "quantity", "amount", "name"]}, "quote_template_columns_invalid"),
        (
            {"columns": ["name", "quantity", "amount", "__import__"]},
            "quote_template_columns_invalid",
        ),
        ({"number_prefix": "bj-"}, "validation_error"),
        ({"title": " "}, "validation_error"),
    ):
        response = await client.put(
            "/api/v1/quotes/template", json={**TEMPLATE, **change}, headers=team_admin
        )
        assert (response.status_code, response.json()["error"]) == (422, code), change
    assert await QuoteTemplate.all().values_list("columns", "company_name") == before
    # A rep neither edits nor previews the template.
    assert (
        await client.put("/api/v1/quotes/template", json=TEMPLATE, headers=rep)
    ).status_code == 403


async def test_the_preview_prints_an_unsaved_template_on_a_sample(
    client: httpx.AsyncClient,
) -> None:
    admin = await bearer(await make_team_admin())
    response = await client.post(
        "/api/v1/quotes/template/preview",
        json={**TEMPLATE, "company_name": "预览公司", "number_prefix": "QT"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    text = pdf_text(response.content)
    assert "预览公司" in text
    assert "报价单号：QT-2026-0001" in text
    assert "示例客户" in text
    assert await QuoteTemplate.all().count() == 0


async def make_team_admin() -> Staff:
    """make_team()'s admin where a team was made, else a new one."""
    admin = await Staff.filter(username="admin").first()
    return admin or await make_staff("admin", username="admin")
