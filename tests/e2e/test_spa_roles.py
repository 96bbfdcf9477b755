"""The console as each built-in role sees it: every menu entry opens in the browser with no
console error and no failed API call, and a screen is hidden from a role exactly when the API
refuses that role the permission behind it."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from crm_core.http import require
from crm_core.org.models import Department
from crm_core.org.rules import BUILTIN_ROLES
from scrm.app import create_app
from tests.crm_core.test_access_matrix import all_routes
from tests.e2e.spa import open_console
from tests.factories import console_login, make_staff, make_store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


def spa_routes() -> dict[str, str | None]:
    """Path → permission, from every console/src/views/*/routes.ts."""
    found: dict[str, str | None] = {}
    for file in sorted((ROOT / "console" / "src" / "views").glob("*/routes.ts")):
        text = file.read_text()
        pattern = r"\{[^{}]*path:\s*\"([^\"]*)\"[^{}]*?(?:meta:\s*\{([^{}]*)\})"
        for path, meta in re.findall(pattern, text):
            permission = re.search(r"permission:\s*\"([^\"]+)\"", meta)
            url = "/admin" + ("/" + path if path else "")
            found[url] = permission.group(1) if permission else None
    return found


def guarded_get_routes() -> dict[str, str]:
    """Every parameterless GET under /api/v1 and the one permission it requires."""
    out: dict[str, str] = {}
    for route in all_routes(create_app(boot=False).routes):
        if "GET" not in route.methods:
            continue
        if not route.path.startswith("/api/v1") or "{" in route.path:
            continue
        stack = list(route.dependant.dependencies)
        while stack:
            dependency = stack.pop()
            if isinstance(dependency.call, require):
                out[route.path] = dependency.call.permission
            stack.extend(dependency.dependencies)
    return out


async def seed() -> dict[str, Any]:
    root = await Department.create(name="总部")
    store = await make_store(root, code="SH001", name="上海南京西路店")
    people = {}
    for code in BUILTIN_ROLES:
        people[code] = await make_staff(
            code,
            username=f"u_{code}",
            department=root,
            store=store,
            is_guide=code == "guide",
        )
    return people


# One test per role and per width: each stays well inside the per-test time limit as the
# menu grows.
@pytest.mark.parametrize("code", list(BUILTIN_ROLES))
async def test_every_role_opens_every_menu_entry(live_server: str, browser: Any, code: str) -> None:
    staff = (await seed())[code]
    tab = await open_console(browser, live_server, staff.username)
    me = await tab.page.evaluate("fetch('/api/v1/me').then((r) => r.json())")
    assert me["nav"], code
    assert me["nav"][0]["path"] == "/admin"
    for entry in me["nav"]:
        await tab.goto(entry["path"])
        body = await tab.page.inner_text("body")
        assert "没有权限" not in body, (code, entry["path"])
        assert "页面不存在" not in body, (code, entry["path"])
        if code == "admin":
            name = entry["path"].strip("/").replace("/", "-") or "workbench"
            await tab.screenshot(name)
    tab.assert_clean()
    await tab.close()


@pytest.mark.parametrize("width", ["pad", "phone"])
async def test_admin_screens_at_pad_and_phone_widths(
    live_server: str, browser: Any, width: str
) -> None:
    people = await seed()
    tab = await open_console(browser, live_server, people["admin"].username, width=width)
    me = await tab.page.evaluate("fetch('/api/v1/me').then((r) => r.json())")
    for entry in me["nav"]:
        await tab.goto(entry["path"])
        name = entry["path"].strip("/").replace("/", "-") or "workbench"
        await tab.screenshot(name)
        # No page is wider than the screen: tables became cards, forms wrap.
        overflow = await tab.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (width, entry["path"], overflow)
    tab.assert_clean()
    await tab.close()


async def test_a_screen_is_hidden_exactly_when_the_api_refuses(live_server: str) -> None:
    people = await seed()
    routes = spa_routes()
    guarded = guarded_get_routes()
    # Every screen names a permission that some list endpoint requires.
    needed = {p for p in routes.values() if p}
    assert needed - set(guarded.values()) == set()
    for code, staff in people.items():
        async with httpx.AsyncClient(base_url=live_server) as client:
            await console_login(client, staff.username)
            me = (await client.get("/api/v1/me")).json()
            granted = set(me["permissions"])

            def holds(permission: str, granted: set[str] = granted) -> bool:
                return "*" in granted or permission in granted

            shown = {entry["path"] for entry in me["nav"]}
            for path, permission in routes.items():
                if permission is None or ":" in path:
                    continue
                if path in shown:
                    assert holds(permission), (code, path)
                for api_path, api_permission in guarded.items():
                    if api_permission != permission:
                        continue
                    status = (await client.get(api_path)).status_code
                    assert (status == 403) == (not holds(permission)), (code, api_path, status)
            for entry in me["nav"]:
                assert entry["permission"] is None or holds(entry["permission"]), (code, entry)
