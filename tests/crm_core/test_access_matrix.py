"""Every /api/v1 route × every built-in role: 403 without the permission, 404 outside the data
scope, and the database unchanged after every refused write."""

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from tortoise import connections

from crm_core.http import require
from crm_core.org.models import Department, Position, Role, Staff
from crm_core.org.rules import BUILTIN_ROLES
from crm_core.permissions import ALL
from scrm.app import create_app
from tests.factories import bearer, make_staff, make_store

PUBLIC = {("POST", "/api/v1/auth/token"), ("DELETE", "/api/v1/auth/token"), ("GET", "/api/v1/me")}
SCOPED = {"department_id": "department", "staff_id": "staff", "store_id": "store"}


def all_routes(routes: list[Any]) -> list[APIRoute]:
    """Flatten FastAPI's lazily included routers (they keep their original router)."""
    flat: list[APIRoute] = []
    for route in routes:
        if hasattr(route, "original_router"):
            flat += all_routes(route.original_router.routes)
        elif isinstance(route, APIRoute):
            flat.append(route)
    return flat


def api_routes() -> list[tuple[str, str, str | None]]:
    found = []
    for route in all_routes(create_app(boot=False).routes):
        if route.path.startswith("/api/v1"):
            needs = [d.call.permission for d in route.dependant.dependencies
                     if isinstance(d.call, require)]
            for method in sorted(route.methods):
                found.append((method, route.path, needs[0] if needs else None))
    return found


ROUTES = api_routes()


def test_every_route_names_a_permission() -> None:
    unguarded = [(m, p) for m, p, perm in ROUTES if perm is None and (m, p) not in PUBLIC]
    assert unguarded == []
    assert len(ROUTES) >= 28


@dataclass
class World:
    actor: Staff
    inside: dict[str, int]
    outside: dict[str, int]
    position: int
    role: int


async def build_world(role_code: str) -> World:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    east_store = await make_store(east, code="E01")
    south_store = await make_store(south, code="S01")
    actor = await make_staff(role_code, department=east, store=east_store)
    colleague = await make_staff("guide", department=east, store=east_store)
    stranger = await make_staff("guide", department=south, store=south_store)
    position = await Position.create(name="店员")
    role = await Role.create(code="custom", name="自定义", permissions=["org.store:view"])
    own_scope = BUILTIN_ROLES[role_code][3] == "own"
    return World(
        actor=actor,
        inside={"department": east.id, "store": east_store.id,
                "staff": actor.id if own_scope else colleague.id},
        outside={"department": south.id, "store": south_store.id, "staff": stranger.id},
        position=position.id, role=role.id,
    )


def body_for(method: str, path: str, world: World) -> dict[str, object] | None:
    department = world.inside["department"]
    bodies: dict[tuple[str, str], dict[str, object]] = {
        ("POST", "/api/v1/departments"): {"name": "新部门", "parent_id": department},
        ("PATCH", "/api/v1/departments/{department_id}"): {"name": "改名部门"},
        ("POST", "/api/v1/positions"): {"name": "新岗位"},
        ("PUT", "/api/v1/positions/{position_id}"): {"name": "改名岗位"},
        ("POST", "/api/v1/roles"): {"code": "new_role", "name": "新角色",
                                    "permissions": ["org.store:view"], "data_scope": "own"},
        ("PATCH", "/api/v1/roles/{role_id}"): {"name": "改名角色"},
        ("POST", "/api/v1/staff"): {"username": "newbie", "name": "新人", "password": "abc12345",
                                    "department_id": department},
        ("PATCH", "/api/v1/staff/{staff_id}"): {"name": "改名"},
        ("POST", "/api/v1/staff/{staff_id}/move"): {"department_id": department},
        ("POST", "/api/v1/staff/{staff_id}/password"): {"password": "newpass123"},
        ("POST", "/api/v1/stores"): {"code": "NEW1", "name": "新店", "department_id": department},
        ("PATCH", "/api/v1/stores/{store_id}"): {"name": "改名门店"},
    }
    return bodies.get((method, path))


def fill(path: str, world: World, ids: dict[str, int]) -> str:
    return path.format(department_id=ids["department"], staff_id=ids["staff"],
                       store_id=ids["store"], position_id=world.position, role_id=world.role)


async def snapshot() -> dict[str, str]:
    connection = connections.get("default")
    result = {}
    for table in ("org_department", "org_position", "org_role", "org_staff", "org_staff_role",
                  "org_store", "audit_log"):
        rows = await connection.execute_query_dict(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h "  # noqa: S608
            f"FROM {table} t")
        result[table] = rows[0]["h"]
    return result


def grants(role_code: str, permission: str) -> bool:
    permissions = BUILTIN_ROLES[role_code][2]
    return ALL in permissions or permission in permissions


CASES = [pytest.param(role, method, path, perm, id=f"{role}-{method}-{path[8:]}")
         for method, path, perm in ROUTES if perm is not None for role in BUILTIN_ROLES]


@pytest.mark.parametrize(("role", "method", "path", "permission"), CASES)
async def test_function_permission(client: httpx.AsyncClient, role: str, method: str, path: str,
                                   permission: str) -> None:
    world = await build_world(role)
    before = await snapshot()
    response = await client.request(method, fill(path, world, world.inside),
                                    json=body_for(method, path, world),
                                    headers=await bearer(world.actor))
    if grants(role, permission):
        assert response.status_code not in {401, 403, 422}, response.text
        assert response.status_code < 500
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "permission_denied"
        assert await snapshot() == before


SCOPE_CASES = [
    pytest.param(role, method, path, perm, id=f"{role}-{method}-{path[8:]}")
    for method, path, perm in ROUTES
    if perm is not None and any(f"{{{key}}}" in path for key in SCOPED)
    for role, (_, _, _, scope) in BUILTIN_ROLES.items()
    if scope != "all" and grants(role, perm)
]


@pytest.mark.parametrize(("role", "method", "path", "permission"), SCOPE_CASES)
async def test_objects_outside_the_data_scope_answer_404(
        client: httpx.AsyncClient, role: str, method: str, path: str, permission: str) -> None:
    world = await build_world(role)
    before = await snapshot()
    response = await client.request(method, fill(path, world, world.outside),
                                    json=body_for(method, path, world),
                                    headers=await bearer(world.actor))
    assert response.status_code == 404, response.text
    assert response.json()["error"].endswith("not_found")
    assert await snapshot() == before


async def test_out_of_scope_answer_equals_missing_answer(client: httpx.AsyncClient) -> None:
    world = await build_world("store_manager")
    headers = await bearer(world.actor)
    hidden = await client.get(f"/api/v1/stores/{world.outside['store']}", headers=headers)
    missing = await client.get("/api/v1/stores/999999", headers=headers)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    listing = await client.get("/api/v1/stores", headers=headers)
    assert [s["code"] for s in listing.json()["items"]] == ["E01"]
