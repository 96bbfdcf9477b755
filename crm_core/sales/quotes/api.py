"""JSON API under /api/v1/quotes: quotes, their status, printing, and the print template."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

import crm_core.sales.quotes.permissions  # noqa: F401 - registers the quote resources
from crm_core.http import content_disposition, require
from crm_core.permissions import Principal
from crm_core.sales.quotes.models import QuoteStatus
from crm_core.sales.quotes.schemas import (
    QuotePage,
    QuoteRead,
    QuoteStatusChange,
    QuoteTemplateRead,
    QuoteTemplateWrite,
    QuoteWrite,
)
from crm_core.sales.quotes.service import printing, quotes, template
from crm_core.validation import Id, PageNumber, PageSize

router = APIRouter(prefix="/api/v1/quotes", tags=["quotes"])
Viewer = Annotated[Principal, Depends(require("sales.quote:view"))]
Creator = Annotated[Principal, Depends(require("sales.quote:create"))]
Editor = Annotated[Principal, Depends(require("sales.quote:edit"))]
Printer = Annotated[Principal, Depends(require("sales.quote:export"))]
TemplateViewer = Annotated[Principal, Depends(require("sales.quote_template:view"))]
TemplateEditor = Annotated[Principal, Depends(require("sales.quote_template:edit"))]
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("", response_model=QuotePage)
async def list_quotes(
    principal: Viewer,
    q: Annotated[str, Query(max_length=64)] = "",
    status: QuoteStatus | None = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> QuotePage:
    """A number or customer name fragment; customers' phones masked per the caller."""
    return await quotes.list_quotes(
        principal, q, status, customer_id, page=page, page_size=page_size
    )


@router.post("", response_model=QuoteRead, status_code=201)
async def create_quote(body: QuoteWrite, principal: Creator) -> QuoteRead:
    """Totals are computed here; a line without unit_price_fen takes the SKU's price."""
    return await quotes.create_quote(principal, body)


@router.get("/template", response_model=QuoteTemplateRead)
async def get_template(_: TemplateViewer) -> QuoteTemplateRead:
    return await template.get_template()


@router.put("/template", response_model=QuoteTemplateRead)
async def save_template(body: QuoteTemplateWrite, principal: TemplateEditor) -> QuoteTemplateRead:
    return await template.save_template(principal, body)


@router.post(
    "/template/preview",
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "A sample quote printed as PDF"}},
)
async def preview_template(body: QuoteTemplateWrite, _: TemplateViewer) -> Response:
    """The submitted (unsaved) template printed on a made-up quote."""
    draft = template.unsaved(body)
    content = printing.render_pdf(printing.sample_quote(draft.number_prefix), draft)
    return Response(
        content, media_type=PDF, headers=content_disposition("preview.pdf", inline=True)
    )


@router.get("/{quote_id}", response_model=QuoteRead)
async def get_quote(quote_id: Id, principal: Viewer) -> QuoteRead:
    return await quotes.get_quote(principal, quote_id)


@router.put("/{quote_id}", response_model=QuoteRead)
async def update_quote(quote_id: Id, body: QuoteWrite, principal: Editor) -> QuoteRead:
    """Drafts only (409 quote_not_editable otherwise)."""
    return await quotes.update_quote(principal, quote_id, body)


@router.post("/{quote_id}/status", response_model=QuoteRead)
async def change_status(quote_id: Id, body: QuoteStatusChange, principal: Editor) -> QuoteRead:
    return await quotes.change_status(principal, quote_id, body)


@router.get(
    "/{quote_id}/print",
    response_class=Response,
    responses={200: {"content": {PDF: {}, XLSX: {}}, "description": "The printed quote"}},
)
async def print_quote(
    quote_id: Id, principal: Printer, format: Literal["pdf", "xlsx"] = "pdf"
) -> Response:
    name, content = await printing.print_quote(principal, quote_id, format)
    return Response(
        content, media_type=PDF if format == "pdf" else XLSX, headers=content_disposition(name)
    )
