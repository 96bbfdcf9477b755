"""Exports (CSV and Excel) that open cleanly in Chinese Excel and cannot smuggle formulas (PII-2).

Each export is a `Table` (Chinese headers, rows of plain values) rendered in the format the
caller asked for; the package that builds the table audits it like any other export."""

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import xlsxwriter
from fastapi.responses import Response

from crm_core import clock
from crm_core.http import content_disposition

Format = Literal["csv", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPORT_EVERY = 500

# rows written, rows in all: set by a background export job to drive the console's progress bar.
Progress = Callable[[int, int], None]
_progress: ContextVar[Progress | None] = ContextVar("export_progress", default=None)


@contextlib.contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def _reported(rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    report = _progress.get()
    total = len(rows) if isinstance(rows, Sized) else 0
    written = 0
    for written, row in enumerate(rows, start=1):
        yield row
        if report is not None and written % REPORT_EVERY == 0:
            report(written, total)
    if report is not None:
        report(written, max(total, written))


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading quote makes Excel show the text instead of evaluating it (CSV injection).
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in _reported(rows):
        writer.writerow([safe_cell(value) for value in row])
    # UTF-8 with BOM: Excel on Windows otherwise reads Chinese text as GBK mojibake.
    return "\ufeff".encode() + buffer.getvalue().encode()


def _xlsx_value(value: object) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return clock.to_local(value).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet; text is always written as text (never a formula, link or number), so a
    phone number keeps its digits and `=cmd|...` stays inert."""
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    sheet = book.add_worksheet("导出")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, list(header), bold)
    for index, row in enumerate(_reported(rows), start=1):
        sheet.write_row(index, 0, [_xlsx_value(value) for value in row])
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def render(table: Table, fmt: Format) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table.header, table.rows)
    return to_csv(table.header, table.rows)


def csv_response(body: bytes, filename: str) -> Response:
    return Response(
        body, media_type="text/csv; charset=utf-8", headers=content_disposition(filename)
    )


def export_response(body: bytes, name: str, fmt: Format) -> Response:
    """The download of `render(table, fmt)` as `<name>.<fmt>`."""
    if fmt == "csv":
        return csv_response(body, f"{name}.csv")
    return Response(body, media_type=XLSX_TYPE, headers=content_disposition(f"{name}.xlsx"))
