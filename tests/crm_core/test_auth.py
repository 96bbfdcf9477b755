import asyncio
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import ANY

import httpx
import pytest
from fastapi import Depends, Request

from crm_core import security
from crm_core.audit import AuditLog
from crm_core.org.models import Department, Staff
from crm_core.permissions import Principal
from crm_core.web.console import check_csrf, console_principal, redirect
from tests.factories import PASSWORD, bearer, console_login, make_staff, post_login


async def test_api_login_issues_a_working_token(client: httpx.AsyncClient) -> None:
    staff = await make_staff("admin", username="alice")
    response = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["id"] == staff.id
    assert me.json()["data_scope"] == "all"
    assert await AuditLog.filter(action="auth.login", actor_id=staff.id).count() == 1


async def test_wrong_password_is_refused_and_audited(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    response = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": "wrong-pass1"}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_credentials", "detail": "用户名或密码错误"}
    assert await AuditLog.filter(action="auth.login_failed").count() == 1


async def test_unknown_user_gets_the_same_answer(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/token", json={"username": "nobody", "password": "whatever1"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


async def test_login_is_throttled_after_repeated_failures(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    for _ in range(5):
        wrong = await client.post(
            "/api/v1/auth/token", json={"username": "alice", "password": "bad-guess1"}
        )
        assert wrong.status_code == 401
    locked = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert locked.json()["error"] == "rate_limited"
    assert 1 <= int(locked.headers["Retry-After"]) <= 900
    assert await AuditLog.filter(action="auth.login").count() == 0


async def test_disabled_account_cannot_log_in(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="bob", is_active=False)
    response = await client.post(
        "/api/v1/auth/token", json={"username": "bob", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "account_disabled"


async def test_disabling_revokes_existing_tokens(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    other = await make_staff("admin")
    other_headers = await bearer(other)
    assert (await client.get("/api/v1/me", headers=other_headers)).status_code == 200
    response = await client.post(f"/api/v1/staff/{other.id}/disable", headers=await bearer(admin))
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await client.get("/api/v1/me", headers=other_headers)).status_code == 401


async def test_logout_deletes_the_token(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("admin"))
    assert (await client.delete("/api/v1/auth/token", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer not-a-token", "Basic abc"],
    ids=["none", "empty", "unknown", "basic"],
)
async def test_bad_credentials_get_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/v1/staff", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


async def test_passwords_are_argon2id_and_rehashed_when_weaker() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    staff = await make_staff("admin", username="carol")
    staff.password_hash = weak
    await staff.save()
    from crm_core.org.service.auth import authenticate

    await authenticate("carol", PASSWORD, ip="127.0.0.1", user_agent="test")
    upgraded = (await Staff.get(id=staff.id)).password_hash
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert security.verify_password(upgraded, PASSWORD)


@pytest.fixture
async def form_client() -> AsyncIterator[httpx.AsyncClient]:
    """The app plus one Jinja-style console form, as the remaining Jinja pages post them."""
    from scrm.app import create_app

    app = create_app(boot=False)

    async def submit(request: Request, principal: Principal = Depends(console_principal)) -> Any:
        form = await check_csrf(request)
        await Department.create(name=form.get("name"))
        return redirect("/admin/departments")

    app.add_api_route("/admin/test-form", submit, methods=["POST"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_console_login_cookie_is_http_only_and_same_site(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    response = await post_login(client, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


async def test_the_login_page_and_dashboard_are_the_spa(client: httpx.AsyncClient) -> None:
    for path in ("/admin", "/admin/login", "/admin/staff", "/admin/roles/3"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert '<div id="app">' in page.text
    for path in ("/admin/login", "/admin/logout"):
        assert (await client.post(path, data={"username": "x"})).status_code == 405
    assert (await client.get("/admin/lang/en")).text == (await client.get("/admin")).text


async def test_a_jinja_page_sends_anonymous_users_to_the_spa_login(
    form_client: httpx.AsyncClient,
) -> None:
    response = await form_client.post("/admin/test-form", data={"name": "新部门"})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/test-form"
    assert await Department.all().count() == 0


async def test_console_post_without_csrf_token_is_refused(form_client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    await console_login(form_client, "alice")
    response = await form_client.post("/admin/test-form", data={"name": "新部门"})
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert await Department.all().count() == 0


async def test_console_post_from_another_origin_is_refused(form_client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    token = await console_login(form_client, "alice")
    response = await form_client.post(
        "/admin/test-form",
        data={"name": "新部门", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert await Department.all().count() == 0


async def test_the_api_session_token_works_on_a_jinja_form(form_client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    token = await console_login(form_client, "alice")
    response = await form_client.post(
        "/admin/test-form",
        data={"name": "新部门", "csrf_token": token},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 303
    assert await Department.filter(name="新部门").count() == 1


async def test_console_logout_ends_the_session_for_jinja_pages_too(
    form_client: httpx.AsyncClient,
) -> None:
    await make_staff("admin", username="alice")
    token = await console_login(form_client, "alice")
    logout = await form_client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": token})
    assert logout.status_code == 204
    response = await form_client.post(
        "/admin/test-form", data={"name": "新部门", "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")
    assert await Department.all().count() == 0


async def test_a_burst_of_wrong_passwords_checks_only_the_limit(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_staff("admin", username="alice")
    checked: list[str] = []
    real_verify = security.verify_password

    def counting_verify(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting_verify)
    burst = await asyncio.gather(
        *(
            client.post("/api/v1/auth/token", json={"username": "alice", "password": f"guess{n}"})
            for n in range(50)
        )
    )
    statuses = sorted(response.status_code for response in burst)
    assert statuses == [401] * 5 + [429] * 45
    assert len(checked) == 5
    right = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": PASSWORD}
    )
    assert right.status_code == 429
    assert len(checked) == 5
    assert await AuditLog.filter(action="auth.login").count() == 0
    assert await AuditLog.filter(action="auth.login_failed").count() == 5


async def age_redis(seconds: int) -> None:
    """What `seconds` of wall time do to Redis: every TTL shrinks, and what reaches 0 is gone."""
    from crm_core.redis import get_redis

    redis = get_redis()
    async for key in redis.scan_iter():
        left = await redis.pttl(key)
        if left > 0:
            if left <= seconds * 1000:
                await redis.delete(key)
            else:
                await redis.pexpire(key, left - seconds * 1000)


async def test_a_token_slid_past_the_console_session_is_still_revoked_by_a_password_reset(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_staff("admin")
    await make_staff("admin", username="alice")
    issued = await client.post(
        "/api/v1/auth/token", json={"username": "alice", "password": PASSWORD}
    )
    token = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    await console_login(client, "alice")  # an 8-hour console session after the 12-hour token
    await age_redis(7 * 3600)
    assert (await client.get("/api/v1/me", headers=token)).status_code == 200  # slides to 12 h
    await age_redis(2 * 3600)
    assert (await client.get("/api/v1/me", headers=token)).status_code == 200
    reset = await client.post(
        f"/api/v1/staff/{(await Staff.get(username='alice')).id}/password",
        json={"password": "brand-new-pass1"},
        headers=await bearer(admin),
    )
    assert reset.status_code == 204
    assert (await client.get("/api/v1/me", headers=token)).status_code == 401


async def test_a_password_reset_leaves_the_member_with_the_same_id_signed_in() -> None:
    from members import card

    staff = await make_staff("admin")
    member_token, _ = await security.create_session(
        staff.id, kind=card.SESSION_KIND, ttl_seconds=card.SESSION_TTL
    )
    await security.create_session(staff.id, kind="console", ttl_seconds=3600)
    await security.revoke_all_sessions(staff.id)
    assert await card.member_of(member_token) == (staff.id, ANY)
