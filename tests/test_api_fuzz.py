"""Property-based fuzzing of the REST API from its own /openapi.json (schemathesis).

Every operation gets generated requests, valid and invalid, as a low role (a guide) and as an
admin: no answer may be a 5xx, and every answer must match its declared status codes, content type
and schema. Hypothesis runs derandomized in a worker thread; each request is sent on the session's
event loop (where Tortoise and Redis live) through the in-process ASGI app.
"""

import asyncio
import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm_core.org.models import Staff
from crm_core.org.service.auth import issue_token
from tests.factories import make_department, make_staff, make_store

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Per operation, role and mode: 120 operations x 2 modes x 2 roles take ~30-60 s per role on a
# busy 2-core machine, so the whole run stays well under 3 minutes.
EXAMPLES = 8
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _request_kwargs(case: Any) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": kwargs.get("headers") or {},
        "params": kwargs.get("params"),
    }
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    data = kwargs.get("data")
    if isinstance(data, bytes | str):
        request["content"] = data
    elif isinstance(data, dict):
        request["data"] = {
            k: v if isinstance(v, str | bytes) else json.dumps(v) for k, v in data.items()
        }
    elif data is not None:
        request["data"] = data
    files = kwargs.get("files")
    if files:
        pairs = files.items() if isinstance(files, dict) else files
        request["files"] = [(name, _part(value)) for name, value in pairs]
    return request


def _part(value: Any) -> Any:
    """A multipart part as httpx takes it: generated form fields may be numbers or lists."""
    if isinstance(value, tuple):
        return (value[0], _part(value[1]), *value[2:])
    if isinstance(value, bytes | str) or hasattr(value, "read"):
        return value
    return json.dumps(value)


def _fuzz(
    loop: asyncio.AbstractEventLoop, http: httpx.AsyncClient, schema: Any, actor: Staff
) -> list[str]:
    failures: list[str] = []

    async def send(case: Any) -> httpx.Response:
        # A fresh token each time: the fuzzer may revoke the actor's tokens (logout, password).
        token = await issue_token(actor.id, ttl_seconds=600)
        request = _request_kwargs(case)
        request["headers"] = {**request["headers"], "Authorization": f"Bearer {token}"}
        response = await http.request(**request)
        # A multipart body (the member center's uploads) is a stream: read it so the schema
        # checks can look at the request that was sent.
        await response.request.aread()
        return response

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                response = asyncio.run_coroutine_threadsafe(send(case), loop).result(timeout=60)
                case.validate_response(response, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:
                continue  # No invalid request exists for an operation without inputs.
            except (Exception, BaseExceptionGroup) as error:  # every failing operation is reported
                failures.append(f"{operation.label} [{mode.value}]: {error}"[:3000])
    return failures


@pytest.mark.parametrize("role", ["guide", "admin"])
async def test_the_api_never_answers_5xx_or_off_schema(
    client: httpx.AsyncClient, role: str
) -> None:
    department = await make_department("华东区")
    store = await make_store(department)
    for _ in range(3):  # The actor is not staff #1, which generated ids hit first.
        await make_staff(None, department=department)
    actor = await make_staff(role, department=department, store=store, is_guide=role == "guide")
    spec = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)

    failures = await asyncio.to_thread(_fuzz, asyncio.get_running_loop(), client, schema, actor)

    assert failures == [], "\n\n".join(failures)
