import httpx

from tests.factories import bearer, make_department, make_staff


async def test_healthz_reports_every_dependency(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert sorted(body["checks"]) == ["broker", "postgres", "redis"]


async def test_admin_lists_departments(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    head = await make_department("总部")
    response = await client.get("/api/v1/departments", headers=await bearer(admin))
    assert response.status_code == 200
    assert response.json() == [{"id": head.id, "name": "总部", "parent_id": None, "sort_order": 0}]
