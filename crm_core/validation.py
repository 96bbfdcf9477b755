"""Request shapes checked at the edge, before a value can reach PostgreSQL and fail there.

PostgreSQL rejects an `integer` outside int4 and any NUL character in text; either would surface
as a 500 from deep inside a query. Ids are bounded by their column type, and one app-wide
dependency refuses NUL anywhere in a request (path, query string, JSON, form fields).
"""

import json
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from fastapi import Query, Request
from pydantic import Field

from crm_core.errors import InvalidCharacterError

INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=INT4_MAX)]
"""A `serial` primary key (most tables)."""
BigId = Annotated[int, Field(ge=1, le=INT8_MAX)]
"""A `bigserial` primary key (SMS messages, ledger entries, draws)."""
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]


class FieldValueError(ValueError):
    """A model validator's refusal that belongs to one field (a cross-field rule): the error
    handler places it at `field`, so the console shows it under that input, not nowhere."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def id_or_none(text: str) -> int | None:
    """An id typed into a form or query string; anything that cannot be one is None.
    (`str.isdigit()` would also pass "²", which `int()` refuses.)"""
    return int(text) if text.isdecimal() and len(text) <= 10 and int(text) <= INT4_MAX else None


_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _json_has_nul(body: bytes) -> bool:
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # Not JSON: the route's own parsing answers 422.


async def reject_nul(request: Request) -> None:
    """App-wide dependency: 422 invalid_character for a NUL in any part of the request."""
    query = request.scope.get("query_string", b"")
    if "\x00" in request.url.path or b"\x00" in unquote_to_bytes(query):
        raise InvalidCharacterError()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        if _json_has_nul(await request.body()):
            raise InvalidCharacterError()
    elif content_type.startswith((_FORM, _MULTIPART)):
        # Parsed once and cached: FastAPI's Form() parameters and the views read the same form.
        # Uploaded files may hold any byte; only text fields end up in text columns.
        form = await request.form()
        if any(_has_nul(k) or _has_nul(v) for k, v in form.multi_items() if isinstance(v, str)):
            raise InvalidCharacterError()
