"""The audit log's filters (actor, action, target, Beijing date range) and the target's name."""

from datetime import UTC, datetime, timedelta

import httpx

from crm_core import clock
from crm_core.audit import AuditLog
from tests.factories import bearer, make_department, make_staff, make_store

DAY_ONE = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


async def _history(client: httpx.AsyncClient) -> tuple[dict[str, str], int, int, int]:
    admin = await make_staff("admin", username="zhang")
    other = await make_staff("admin", username="li")
    store = await make_store(await make_department("总部"), code="SH001", name="上海南京路店")
    with clock.freeze(DAY_ONE):
        await client.patch(
            f"/api/v1/stores/{store.id}", json={"phone": "021-1"}, headers=await bearer(admin)
        )
    with clock.freeze(DAY_ONE + timedelta(days=1)):
        await client.patch(
            f"/api/v1/stores/{store.id}", json={"name": "南京东路店"}, headers=await bearer(other)
        )
        await client.post("/api/v1/departments", json={"name": "华东"}, headers=await bearer(other))
    return await bearer(admin), admin.id, other.id, store.id


async def test_each_filter_narrows_the_list(client: httpx.AsyncClient) -> None:
    headers, admin_id, other_id, store_id = await _history(client)

    async def actions(**query: str | int) -> list[tuple[str, str]]:
        response = await client.get("/api/v1/audit", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return [(e["action"], e["target_id"]) for e in response.json()["items"]]

    assert await actions(actor_id=admin_id) == [("store.update", str(store_id))]
    assert await actions(actor_id=other_id, action="store.") == [("store.update", str(store_id))]
    assert await actions(target_type="department", actor_id=other_id) == [
        ("department.create", await _last_department_id())
    ]
    # 2026-12-01 in Beijing is [11-30 16:00Z, 12-01 16:00Z).
    day = {"since": "2026-11-30T16:00:00Z", "until": "2026-12-01T16:00:00Z"}
    assert await actions(**day, action="store.") == [("store.update", str(store_id))]
    assert await actions(since="2026-12-01T16:00:00Z", action="store.") == [
        ("store.update", str(store_id))
    ]
    assert (
        await actions(target_type="store", target_id=str(store_id), until="2026-11-30T00:00Z") == []
    )


async def test_entries_carry_the_targets_current_name(client: httpx.AsyncClient) -> None:
    headers, admin_id, _, _ = await _history(client)
    response = await client.get(
        "/api/v1/audit", params={"actor_id": admin_id, "target_type": "store"}, headers=headers
    )
    [entry] = response.json()["items"]
    assert entry["target_name"] == "南京东路店"
    assert entry["before"] == {"phone": ""}
    assert entry["after"] == {"phone": "021-1"}


async def test_a_naive_date_is_refused_and_nothing_is_listed(client: httpx.AsyncClient) -> None:
    headers, *_ = await _history(client)
    response = await client.get(
        "/api/v1/audit", params={"since": "2026-12-01T00:00"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_the_export_takes_the_same_filters(client: httpx.AsyncClient) -> None:
    headers, admin_id, *_ = await _history(client)
    response = await client.get(
        "/api/v1/exports/audit.csv", params={"actor_id": admin_id}, headers=headers
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2  # the header and the one store.update by this actor
    assert "store.update" in lines[1]
    exported = await AuditLog.filter(action="audit.export").get()
    assert exported.after == {"rows": 1, "filter": "", "format": "csv"}


async def _last_department_id() -> str:
    from crm_core.org.models import Department

    return str((await Department.filter(name="华东").get()).id)
