"""CSV exports that open cleanly in Chinese Excel and cannot smuggle formulas (PII-2)."""

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

from crm_core.http import content_disposition

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading quote makes Excel show the text instead of evaluating it (CSV injection).
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    # UTF-8 with BOM: Excel on Windows otherwise reads Chinese text as GBK mojibake.
    return "\ufeff".encode() + buffer.getvalue().encode()


def csv_response(body: bytes, filename: str) -> Response:
    return Response(
        body, media_type="text/csv; charset=utf-8", headers=content_disposition(filename)
    )
