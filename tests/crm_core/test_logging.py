"""What a 500 leaves in the logs: a plain stack trace, no local variables, no secrets."""

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog

from crm_core.logging import configure_logging

PASSWORD = "Hunter2-Password-9731"
TOKEN = "cbTokenZ0q8Wm"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SECRETS = (PASSWORD, TOKEN, AES_KEY)


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield io.StringIO()
    root.handlers[:], level = saved
    root.setLevel(level)
    structlog.reset_defaults()


async def _force_500() -> httpx.Response:
    from scrm.app import create_app

    app = create_app(boot=False)

    @app.post("/test-only/boom")
    async def boom() -> None:
        password = PASSWORD
        callback_token = TOKEN
        encoding_aes_key = AES_KEY
        payload = {"password": password, "token": callback_token, "aes_key": encoding_aes_key}
        raise RuntimeError(f"decrypt failed for {len(payload)} fields")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.post("/test-only/boom", json={"password": PASSWORD})


@pytest.mark.parametrize("prod", [False, True], ids=["dev-console", "prod-json"])
async def test_a_500_logs_a_short_plain_trace_without_secrets(
    log_output: io.StringIO, prod: bool
) -> None:
    configure_logging(json=prod, stream=log_output)
    response = await _force_500()

    assert response.status_code == 500
    text = log_output.getvalue()
    assert len(text.encode()) < 20_000
    assert [secret for secret in SECRETS if secret in text] == []
    assert "Traceback (most recent call last)" in text
    assert "in boom" in text
    assert "RuntimeError: decrypt failed for 3 fields" in text


async def test_the_prod_json_line_carries_the_formatted_stack_trace(
    log_output: io.StringIO,
) -> None:
    configure_logging(json=True, stream=log_output)
    await _force_500()

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    [error] = [line for line in lines if line["logger"] == "scrm.http"]
    assert error["event"] == "unhandled error on POST /test-only/boom"
    assert error["level"] == "error"
    assert error["exception"].startswith("Traceback (most recent call last):\n")
    assert error["exception"].endswith("RuntimeError: decrypt failed for 3 fields")
    assert "in boom" in error["exception"]


@pytest.mark.parametrize("prod", [False, True], ids=["dev-console", "prod-json"])
def test_secret_fields_are_masked_in_every_log_path(log_output: io.StringIO, prod: bool) -> None:
    configure_logging(json=prod, stream=log_output)
    structlog.get_logger("test.structlog").info(
        "login", username="alice", password=PASSWORD, nested={"encoding_aes_key": AES_KEY}
    )
    logging.getLogger("test.stdlib").warning(
        "callback", extra={"token": TOKEN, "Authorization": f"Bearer {TOKEN}", "appid": "wx1"}
    )
    logging.getLogger("test.stdlib").warning(
        "calling %s", f"https://api.example/cgi-bin/menu?access_token={TOKEN}&code={PASSWORD}"
    )

    text = log_output.getvalue()
    assert [secret for secret in SECRETS if secret in text] == []
    assert "alice" in text
    assert "wx1" in text
    assert "access_token=***" in text
    assert text.count("***") == 6
