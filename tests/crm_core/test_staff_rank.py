"""Nobody manages a colleague who holds more than they do: every permission and the data scope of
the target's roles must lie within the actor's own (403 staff_outranks_you), on every
staff-management route and console form; outside the department scope it stays a 404."""

from typing import Any

import httpx
import pytest

from crm_core.org.models import Department, Role
from tests.crm_core.test_access_matrix import snapshot
from tests.factories import PASSWORD, bearer, console_login, make_staff, make_store

NEW_PASSWORD = "takeover123"
ROUTES = [
    ("PATCH", "/api/v1/staff/{id}", {"name": "改名"}),
    ("POST", "/api/v1/staff/{id}/move", "department"),
    ("POST", "/api/v1/staff/{id}/disable", None),
    ("POST", "/api/v1/staff/{id}/enable", None),
    ("POST", "/api/v1/staff/{id}/password", {"password": NEW_PASSWORD}),
]
ROUTE_IDS = ["edit", "move", "disable", "enable", "password"]


async def region() -> dict[str, Any]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    shanghai = await Department.create(name="上海", parent=east)
    south = await Department.create(name="华南", parent=root)
    store = await make_store(east, code="SH001")
    # Permissions the store manager holds, but the widest data scope.
    wide = await Role.create(
        code="wide_viewer", name="全局查看", permissions=["org.store:view"], data_scope="all"
    )
    narrow = await Role.create(
        code="narrow_viewer", name="本人查看", permissions=["org.store:view"], data_scope="own"
    )
    people: dict[str, Any] = {
        "manager": await make_staff("store_manager", department=east, store=store),
        "admin": await make_staff("admin", department=east),
        "marketer": await make_staff("marketer", department=east),
        "wide": await make_staff(None, department=east),
        "narrow": await make_staff(None, department=east),
        "peer": await make_staff("store_manager", department=east),
        "guide": await make_staff("guide", department=east, store=store, is_guide=True),
        "far_guide": await make_staff("guide", department=south),
        "far_admin": await make_staff("admin", department=south),
        "shanghai": shanghai,
    }
    await people["wide"].roles.add(wide)
    await people["narrow"].roles.add(narrow)
    return people


def body(spec: object, people: dict[str, Any]) -> object:
    return {"department_id": people["shanghai"].id} if spec == "department" else spec


@pytest.mark.parametrize(("method", "path", "spec"), ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize("target", ["admin", "marketer", "wide"])
async def test_a_store_manager_cannot_manage_someone_who_outranks_them(
    client: httpx.AsyncClient, method: str, path: str, spec: object, target: str
) -> None:
    people = await region()
    headers = await bearer(people["manager"])
    victim = people[target]
    victim_headers = await bearer(victim)
    before = await snapshot()
    response = await client.request(
        method, path.format(id=victim.id), json=body(spec, people), headers=headers
    )
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "staff_outranks_you"
    assert await snapshot() == before
    # The victim's own session survives: nothing was reset or disabled.
    assert (await client.get("/api/v1/me", headers=victim_headers)).status_code == 200
    login = await client.post(
        "/api/v1/auth/token", json={"username": victim.username, "password": NEW_PASSWORD}
    )
    assert login.status_code == 401


@pytest.mark.parametrize(("method", "path", "spec"), ROUTES, ids=ROUTE_IDS)
async def test_an_outranking_colleague_outside_the_department_scope_is_still_a_404(
    client: httpx.AsyncClient, method: str, path: str, spec: object
) -> None:
    people = await region()
    before = await snapshot()
    response = await client.request(
        method,
        path.format(id=people["far_admin"].id),
        json=body(spec, people),
        headers=await bearer(people["manager"]),
    )
    assert (response.status_code, response.json()["error"]) == (404, "staff_not_found")
    assert await snapshot() == before


@pytest.mark.parametrize(("method", "path", "spec"), ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize("target", ["guide", "narrow", "peer", "manager"])
async def test_a_store_manager_still_manages_staff_within_their_own_rank(
    client: httpx.AsyncClient, method: str, path: str, spec: object, target: str
) -> None:
    people = await region()
    response = await client.request(
        method,
        path.format(id=people[target].id),
        json=body(spec, people),
        headers=await bearer(people["manager"]),
    )
    assert response.status_code in {200, 204}, response.text


async def test_the_password_reset_works_again_for_an_admin(client: httpx.AsyncClient) -> None:
    people = await region()
    headers = await bearer(await make_staff("admin"))
    response = await client.post(
        f"/api/v1/staff/{people['admin'].id}/password",
        json={"password": NEW_PASSWORD},
        headers=headers,
    )
    assert response.status_code == 204
    login = await client.post(
        "/api/v1/auth/token",
        json={"username": people["admin"].username, "password": NEW_PASSWORD},
    )
    assert login.status_code == 200


async def test_roles_wider_than_the_actor_cannot_be_assigned(client: httpx.AsyncClient) -> None:
    people = await region()
    wide = await Role.get(code="wide_viewer")
    before = await snapshot()
    response = await client.patch(
        f"/api/v1/staff/{people['guide'].id}",
        json={"role_ids": [wide.id]},
        headers=await bearer(people["manager"]),
    )
    assert (response.status_code, response.json()["error"]) == (404, "role_not_found")
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/staff/{id}/password", {"password": NEW_PASSWORD}),
        ("POST", "/api/v1/staff/{id}/disable", None),
        ("POST", "/api/v1/staff/{id}/move", {"department_id": "shanghai"}),
        ("PATCH", "/api/v1/staff/{id}", {"name": "改名"}),
    ],
    ids=["password", "disable", "move", "edit"],
)
async def test_the_console_session_refuses_the_same_takeover(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    """The console (cookie session + CSRF header) goes through the same API checks."""
    people = await region()
    admin = people["admin"]
    token = await console_login(client, people["manager"].username)
    data = body and {k: people["shanghai"].id if v == "shanghai" else v for k, v in body.items()}
    before = await snapshot()
    response = await client.request(
        method, path.format(id=admin.id), json=data, headers={"X-CSRF-Token": token}
    )
    assert (response.status_code, response.json()["error"]) == (403, "staff_outranks_you")
    assert await snapshot() == before
    login = await client.post(
        "/api/v1/auth/token", json={"username": admin.username, "password": PASSWORD}
    )
    assert login.status_code == 200
