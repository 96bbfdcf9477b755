"""Every console page renders for each role that may see it, in Chinese, with only its menus."""

import re

import httpx
import pytest

from crm_core.org.models import Department, Position, Role, Staff
from crm_core.org.rules import BUILTIN_ROLES
from crm_core.web.console import NAV
from tests.factories import console_login, make_staff, make_store

PAGES = [
    "/admin",
    "/admin/departments",
    "/admin/positions",
    "/admin/staff",
    "/admin/guides",
    "/admin/roles",
    "/admin/roles/new",
    "/admin/stores",
    "/admin/audit",
]


async def _world(role: str) -> Staff:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001", name="上海店")
    await Position.create(name="店员")
    return await make_staff(
        role, username=f"{role}_user", department=root, store=store, is_guide=role == "guide"
    )


async def test_admin_sees_every_page_in_chinese(client: httpx.AsyncClient) -> None:
    admin = await _world("admin")
    await console_login(client, admin.username)
    store_id = (await client.get("/admin/stores")).text.split("/admin/stores/", 1)[1][:1]
    role_id = (await Role.get(code="guide")).id
    for path in [
        *PAGES,
        f"/admin/staff/{admin.id}",
        f"/admin/stores/{store_id}",
        f"/admin/roles/{role_id}",
    ]:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert 'lang="zh-CN"' in response.text
        assert "退出" in response.text, path


@pytest.mark.parametrize("role", list(BUILTIN_ROLES))
async def test_navigation_shows_only_permitted_menus(client: httpx.AsyncClient, role: str) -> None:
    user = await _world(role)
    await console_login(client, user.username)
    nav = (await client.get("/admin")).text.split('data-testid="nav"', 1)[1].split("</nav>")[0]
    links = set(re.findall(r'href="(/admin(?:/[a-z/_-]+)?)"', nav))
    permissions = BUILTIN_ROLES[role][2]
    expected = {
        item.href
        for item in NAV
        if item.permission is None or "*" in permissions or item.permission in permissions
    }
    assert links == expected
    for path in PAGES[1:]:
        status = (await client.get(path)).status_code
        allowed = any(path.startswith(link) for link in expected - {"/admin"})
        if path == "/admin/roles/new":
            allowed = "*" in permissions or "org.role:create" in permissions
        assert status == (200 if allowed else 403), (role, path)


async def test_english_can_be_switched_on(client: httpx.AsyncClient) -> None:
    admin = await _world("admin")
    await console_login(client, admin.username)
    switch = await client.get("/admin/lang/en", headers={"referer": "http://testserver/admin"})
    assert switch.status_code == 303
    page = await client.get("/admin/stores")
    assert 'lang="en"' in page.text
    assert "Log out" in page.text


async def test_form_errors_come_back_as_a_message(client: httpx.AsyncClient) -> None:
    admin = await _world("admin")
    token = await console_login(client, admin.username)
    department_id = (await Department.get(name="总部")).id
    response = await client.post(
        "/admin/stores",
        data={
            "csrf_token": token,
            "code": "SH001",
            "name": "重复店",
            "department_id": department_id,
            "status": "open",
        },
    )
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "门店编码“SH001”已存在" in page.text
    assert 'name="name" value="重复店"' in page.text  # what was typed is kept
    assert 'name="name" value=""' in (await client.get("/admin/stores")).text  # only once
    assert await Staff.all().count() == 1


async def test_role_permissions_are_edited_through_the_matrix(client: httpx.AsyncClient) -> None:
    admin = await _world("admin")
    token = await console_login(client, admin.username)
    response = await client.post(
        "/admin/roles",
        data={
            "csrf_token": token,
            "code": "store_auditor",
            "name": "门店稽核",
            "data_scope": "subtree",
            "permissions": ["org.store:view", "org.store:export"],
        },
    )
    assert response.status_code == 303
    role = await Role.get(code="store_auditor")
    assert role.permissions == ["org.store:export", "org.store:view"]
    assert role.data_scope == "subtree"


async def test_browsers_get_error_pages_in_chinese(client: httpx.AsyncClient) -> None:
    guide = await _world("guide")
    await console_login(client, guide.username)
    html = {"accept": "text/html,application/xhtml+xml"}
    forbidden = await client.get("/admin/audit", headers=html)
    assert forbidden.status_code == 403
    assert "没有权限" in forbidden.text
    assert 'data-testid="nav"' in forbidden.text
    missing = await client.get("/admin/stores/999999", headers=html)
    assert missing.status_code == 404
    assert "门店不存在" in missing.text
    api_style = await client.get("/admin/stores/999999")
    assert api_style.json() == {"error": "store_not_found", "detail": "门店不存在"}


@pytest.mark.parametrize(
    "path", ["/admin/login", "/h5/member", "/h5/member/card-code"], ids=["console", "h5", "h5-json"]
)
async def test_pages_refuse_to_be_framed(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"] == (
        "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )
