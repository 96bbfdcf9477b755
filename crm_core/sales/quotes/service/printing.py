"""Print a quote through the template: PDF (reportlab) and Excel (xlsxwriter), audited."""

import datetime as dt
import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crm_core import audit, clock
from crm_core.audit import actor_of
from crm_core.permissions import Principal
from crm_core.sales.quotes import rules
from crm_core.sales.quotes.models import QuoteTemplate
from crm_core.sales.quotes.schemas import QuoteLineRead, QuoteRead
from crm_core.sales.quotes.service.quotes import STATUS_LABELS, get_quote
from crm_core.sales.quotes.service.template import current_template

# TrueType CJK fonts reportlab can embed, where installed. Noto CJK ships CFF outlines, which
# reportlab cannot embed; then the PDF names Adobe's STSong-Light, which every PDF reader
# supplies for Simplified Chinese, so the text stays text (searchable, extractable).
TRUETYPE_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
CID_FONT = "STSong-Light"


@cache
def font_name() -> str:
    for path in TRUETYPE_CANDIDATES:
        if path.exists():
            try:
                pdfmetrics.registerFont(TTFont("QuoteCJK", str(path), subfontIndex=0))
            except TTFError:
                continue
            return "QuoteCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def cell(column: str, index: int, line: QuoteLineRead) -> str:
    values = {
        "index": str(index),
        "code": line.sku_code,
        "name": line.product_name,
        "spec": line.spec,
        "unit": line.unit,
        "quantity": str(line.quantity),
        "unit_price": rules.yuan(line.unit_price_fen),
        "discount": rules.rate_label(line.discount_bp),
        "amount": rules.yuan(line.amount_fen),
    }
    return values[column]


def facts(quote: QuoteRead) -> list[tuple[str, str]]:
    return [
        ("报价单号", quote.number),
        ("客户", quote.customer_name),
        ("客户电话", quote.customer_phone),
        ("报价日期", clock.to_local(quote.created_at).date().isoformat()),
        ("有效期至", quote.valid_until.isoformat()),
        ("状态", STATUS_LABELS[quote.status]),
    ]


def figures(quote: QuoteRead) -> list[tuple[str, str]]:
    return [
        ("小计（元）", rules.yuan(quote.subtotal_fen)),
        ("整单优惠（元）", rules.yuan(quote.discount_fen)),
        ("合计（元）", rules.yuan(quote.total_fen)),
    ]


def render_pdf(quote: QuoteRead, template: QuoteTemplate) -> bytes:
    font = font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=24, alignment=1)

    def text(value: str, style: ParagraphStyle = body) -> Paragraph:
        # Paragraph reads a markup language: the template's text is escaped to stay text.
        return Paragraph(escape(value).replace("\n", "<br/>"), style)

    story: list[object] = [text(template.title, title)]
    company = [template.company_name, template.company_address, template.company_phone]
    story.extend(text(v) for v in company if v)
    if template.header_note:
        story.append(text(template.header_note))
    story.append(Spacer(1, 4 * mm))
    story.append(text("    ".join(f"{k}：{v}" for k, v in facts(quote))))
    story.append(Spacer(1, 4 * mm))
    columns = list(template.columns)
    rows = [[text(rules.COLUMNS[c]) for c in columns]]
    rows += [
        [text(cell(c, i, line)) for c in columns] for i, line in enumerate(quote.lines, start=1)
    ]
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 3 * mm))
    story.extend(text(f"{label}：{value}") for label, value in figures(quote))
    for heading, value in (("条款", template.terms), ("备注", quote.note)):
        if value:
            story.extend([Spacer(1, 3 * mm), text(f"{heading}：\n{value}")])
    if template.footer_note:
        story.extend([Spacer(1, 6 * mm), text(template.footer_note)])
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=f"{template.title} {quote.number}", invariant=True
    )
    doc.build(story)
    return out.getvalue()


def render_xlsx(quote: QuoteRead, template: QuoteTemplate) -> bytes:
    out = io.BytesIO()
    # write_string everywhere: the template's and the customer's text is never a formula.
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("报价单")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    row = 0
    lines = [template.title, template.company_name, template.company_address]
    lines += [template.company_phone, template.header_note]
    for value in lines:
        if value:
            sheet.write_string(row, 0, value, bold if row == 0 else None)
            row += 1
    for label, value in facts(quote):
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    columns = list(template.columns)
    for col, column in enumerate(columns):
        sheet.write_string(row, col, rules.COLUMNS[column], bold)
    for index, line in enumerate(quote.lines, start=1):
        row += 1
        for col, column in enumerate(columns):
            if column in ("unit_price", "amount"):
                fen = line.unit_price_fen if column == "unit_price" else line.amount_fen
                sheet.write_number(row, col, fen / 100, money)
            elif column == "quantity":
                sheet.write_number(row, col, line.quantity)
            else:
                sheet.write_string(row, col, cell(column, index, line))
    row += 2
    totals = (quote.subtotal_fen, quote.discount_fen, quote.total_fen)
    for (label, _), fen in zip(figures(quote), totals, strict=True):
        sheet.write_string(row, 0, label)
        sheet.write_number(row, 1, fen / 100, money)
        row += 1
    for heading, value in (
        ("条款", template.terms),
        ("备注", quote.note),
        ("", template.footer_note),
    ):
        if value:
            row += 1
            sheet.write_string(row, 0, f"{heading}：{value}" if heading else value)
    sheet.set_column(0, len(columns), 14)
    book.close()
    return out.getvalue()


async def print_quote(principal: Principal, quote_id: int, kind: str) -> tuple[str, bytes]:
    """(file name, content) of the quote as PDF or xlsx; each print is audited."""
    quote = await get_quote(principal, quote_id)
    template = await current_template()
    content = render_pdf(quote, template) if kind == "pdf" else render_xlsx(quote, template)
    await audit.record(
        actor_of(principal),
        "sales.quote_printed",
        target_type="sales_quote",
        target_id=quote.id,
        after={"format": kind, "number": quote.number},
    )
    return f"{template.title}-{quote.number}.{kind}", content


SAMPLE_DAY = dt.date(2026, 1, 1)


def sample_quote(prefix: str) -> QuoteRead:
    """A made-up quote for the template preview: no customer's data leaves through it."""
    line = QuoteLineRead(
        sku_id=1,
        sku_code="SKU-001",
        product_name="示例产品",
        spec="500ml",
        unit="瓶",
        quantity=3,
        unit_price_fen=12_900,
        discount_bp=1000,
        amount_fen=rules.line_amount(3, 12_900, 1000),
    )
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return QuoteRead(
        id=0,
        number=rules.number(prefix, 2026, 1),
        customer_id=0,
        customer_name="示例客户",
        customer_phone="138****8000",
        owner_id=0,
        owner_name="",
        status="draft",  # type: ignore[arg-type]
        valid_until=SAMPLE_DAY,
        subtotal_fen=line.amount_fen,
        discount_fen=0,
        total_fen=line.amount_fen,
        note="",
        lines=[line],
        created_at=moment,
        updated_at=moment,
    )
