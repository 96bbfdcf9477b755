"""The console's organisation pages are the SPA; what each role sees there, the API allows."""

import httpx
import pytest

from crm_core.org.models import Department, Position, Role, Staff
from crm_core.org.rules import BUILTIN_ROLES
from tests.factories import bearer, console_login, make_staff, make_store

PAGES = [
    "/admin",
    "/admin/login",
    "/admin/departments",
    "/admin/positions",
    "/admin/staff",
    "/admin/staff/1",
    "/admin/guides",
    "/admin/roles",
    "/admin/roles/new",
    "/admin/roles/1",
    "/admin/stores",
    "/admin/stores/1",
    "/admin/audit",
]
# Each organisation menu entry and the list endpoint its screen loads.
LISTS = {
    "/admin/departments": "/api/v1/departments",
    "/admin/positions": "/api/v1/positions",
    "/admin/staff": "/api/v1/staff",
    "/admin/roles": "/api/v1/roles",
    "/admin/stores": "/api/v1/stores",
    "/admin/guides": "/api/v1/guides",
    "/admin/audit": "/api/v1/audit",
}


async def _world(role: str) -> Staff:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001", name="上海店")
    await Position.create(name="店员")
    return await make_staff(
        role, username=f"{role}_user", department=root, store=store, is_guide=role == "guide"
    )


async def test_every_organisation_page_is_the_spa(client: httpx.AsyncClient) -> None:
    admin = await _world("admin")
    await console_login(client, admin.username)
    index = (await client.get("/admin")).text
    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.text == index, path
        assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("role", list(BUILTIN_ROLES))
async def test_a_menu_entry_is_shown_exactly_when_the_api_allows_its_list(
    client: httpx.AsyncClient, role: str
) -> None:
    user = await _world(role)
    headers = await bearer(user)
    nav = {
        entry["path"] for entry in (await client.get("/api/v1/me", headers=headers)).json()["nav"]
    }
    for page, endpoint in LISTS.items():
        status = (await client.get(endpoint, headers=headers)).status_code
        assert status == (200 if page in nav else 403), (role, page)


async def test_a_role_is_saved_from_the_permission_matrix(client: httpx.AsyncClient) -> None:
    headers = await bearer(await _world("admin"))
    response = await client.post(
        "/api/v1/roles",
        json={
            "code": "store_auditor",
            "name": "门店稽核",
            "description": "查看并导出门店",
            "data_scope": "subtree",
            "permissions": ["org.store:view", "org.store:export"],
        },
        headers=headers,
    )
    assert response.status_code == 201
    role = await Role.get(code="store_auditor")
    assert sorted(role.permissions) == ["org.store:export", "org.store:view"]
    assert role.data_scope == "subtree"
    assert response.json()["name"] == "门店稽核"


async def test_errors_are_chinese_json(client: httpx.AsyncClient) -> None:
    headers = await bearer(await _world("admin"))
    missing = await client.get("/api/v1/stores/999999", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {"error": "store_not_found", "detail": "门店不存在"}


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        ("/admin/login", "frame-ancestors 'none'"),
        ("/h5/member", "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"),
        ("/h5/member/card-code", "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"),
    ],
    ids=["console", "h5", "h5-json"],
)
async def test_pages_refuse_to_be_framed(client: httpx.AsyncClient, path: str, policy: str) -> None:
    response = await client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert policy in response.headers["Content-Security-Policy"]
