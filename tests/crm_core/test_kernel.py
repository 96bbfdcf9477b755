import os

import httpx
import pytest

from crm_core import jobs
from crm_core.db import unit_of_work
from crm_core.org.models import Position
from tests.factories import bearer, make_staff, post_login


async def test_jobs_are_published_only_after_commit(published_jobs: list[jobs.Job]) -> None:
    async with unit_of_work():
        await Position.create(name="店员")
        jobs.enqueue("demo.after_commit", position=1)
        assert published_jobs == []
    assert published_jobs == [jobs.Job("demo.after_commit", {"position": 1})]


async def test_jobs_of_a_rolled_back_transaction_are_dropped(
    published_jobs: list[jobs.Job],
) -> None:
    with pytest.raises(RuntimeError):
        async with unit_of_work():
            await Position.create(name="店员")
            jobs.enqueue("demo.never", position=1)
            raise RuntimeError("boom")
    assert published_jobs == []
    assert await Position.all().count() == 0


async def test_nested_units_publish_once_at_the_outer_commit(
    published_jobs: list[jobs.Job],
) -> None:
    async with unit_of_work():
        async with unit_of_work():
            jobs.enqueue("demo.inner")
        assert published_jobs == []
    assert [job.name for job in published_jobs] == ["demo.inner"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nope", 404, "not_found"),
        ("PUT", "/api/v1/departments", 405, "method_not_allowed"),
        ("GET", "/api/v1/staff/abc", 422, "validation_error"),
        ("GET", "/api/v1/staff?page_size=1000", 422, "validation_error"),
    ],
    ids=["unknown-route", "wrong-method", "bad-id", "page-too-large"],
)
async def test_malformed_requests_get_stable_codes(
    client: httpx.AsyncClient, method: str, path: str, status: int, code: str
) -> None:
    response = await client.request(method, path, headers=await bearer(await make_staff("admin")))
    assert response.status_code == status
    assert response.json()["error"] == code


async def test_broken_json_is_a_422_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/departments",
        content=b"{not json",
        headers={**await bearer(await make_staff("admin")), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_openapi_is_served(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/staff/{staff_id}" in spec["paths"]


async def test_production_settings_hide_the_schema_and_secure_the_cookie(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crm_core.config import get_settings
    from scrm.app import create_app

    monkeypatch.setenv("SCRM_ENV", "prod")
    monkeypatch.setenv("SCRM_SECRET_KEY", "a-production-key-of-at-least-32-chars")
    get_settings.cache_clear()
    try:
        app = create_app(boot=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://prod") as http:
            assert (await http.get("/openapi.json")).status_code == 404
            await make_staff("admin", username="alice")
            login = await post_login(http, {"username": "alice", "password": "secret123"})
            assert "secure" in login.headers["set-cookie"].lower()
    finally:
        get_settings.cache_clear()  # monkeypatch restores SCRM_ENV; the next read sees it


async def test_unexpected_errors_are_a_generic_500_without_a_traceback() -> None:
    from scrm.app import create_app

    app = create_app(boot=False)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "服务器内部错误，请稍后重试"}


def test_access_logs_never_carry_query_strings(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from crm_core.logging import DropQueryStrings

    logger = logging.getLogger("test.access")
    logger.addFilter(DropQueryStrings())
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "POST",
            "/wechat/wx1/callback?signature=abc&nonce=1&msg_signature=def",
            "1.1",
            200,
        )
    assert caplog.messages == ['127.0.0.1:5000 - "POST /wechat/wx1/callback HTTP/1.1" 200']


def test_production_refuses_the_public_default_secret_key() -> None:
    import subprocess
    import sys

    from crm_core.config import Settings

    env = {k: v for k, v in os.environ.items() if k != "SCRM_SECRET_KEY"}
    env["SCRM_ENV"] = "prod"
    served = subprocess.run(
        [sys.executable, "-m", "scrm", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert served.returncode == 1
    assert served.stdout == ""
    assert served.stderr.splitlines() == [
        "Error: 生产环境必须设置 SCRM_SECRET_KEY（至少 32 个字符的随机值）"
        " / SCRM_SECRET_KEY must be set to a random value of at least 32 characters in prod"
    ]
    with pytest.raises(ValueError, match="SCRM_SECRET_KEY"):
        Settings(scrm_env="prod", scrm_secret_key="short")  # type: ignore[call-arg]
    strong = "k" * 32
    settings = Settings(scrm_env="prod", scrm_secret_key=strong)  # type: ignore[call-arg]
    assert settings.secret_key.get_secret_value() == strong
