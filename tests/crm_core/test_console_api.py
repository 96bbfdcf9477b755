"""Organisation screens over /api/v1: guides, a store's guides, the role editor's catalogue,
one role, and the `q` search of the staff and store pickers."""

import httpx

from crm_core.org.models import Role, Staff
from tests.factories import bearer, make_department, make_staff, make_store


async def test_guides_and_store_guides_follow_the_scope(client: httpx.AsyncClient) -> None:
    east, south = await make_department("华东"), await make_department("华南")
    sh, sz = await make_store(east, code="SH1"), await make_store(south, code="SZ1")
    near = await make_staff("guide", department=south, store=sz, is_guide=True)
    await make_staff("guide", department=east, store=sh, is_guide=True)
    await make_staff("guide", department=south, store=sz, is_guide=False)
    manager = await bearer(await make_staff("store_manager", department=south, store=sz))
    guides = await client.get("/api/v1/guides", headers=manager)
    assert [g["id"] for g in guides.json()] == [near.id]
    of_store = await client.get(f"/api/v1/stores/{sz.id}/guides", headers=manager)
    assert [g["id"] for g in of_store.json()] == [near.id]
    outside = await client.get(f"/api/v1/stores/{sh.id}/guides", headers=manager)
    assert (outside.status_code, outside.json()["error"]) == (404, "store_not_found")


async def test_pickers_search_staff_and_stores_with_q(client: httpx.AsyncClient) -> None:
    department = await make_department("华东")
    await make_store(department, code="SH001", name="上海南京路店")
    await make_store(department, code="HZ001", name="杭州店")
    wanted = await make_staff("guide", department=department, username="wangwu")
    await Staff.filter(id=wanted.id).update(name="王五")
    admin = await bearer(await make_staff("admin"))
    stores = await client.get("/api/v1/stores", params={"q": "sh0"}, headers=admin)
    assert [s["code"] for s in stores.json()["items"]] == ["SH001"]
    by_name = await client.get("/api/v1/stores", params={"q": "杭州"}, headers=admin)
    assert [s["code"] for s in by_name.json()["items"]] == ["HZ001"]
    staff = await client.get("/api/v1/staff", params={"q": "王"}, headers=admin)
    assert [s["username"] for s in staff.json()["items"]] == ["wangwu"]
    login = await client.get("/api/v1/staff", params={"q": "ngwu"}, headers=admin)
    assert login.json()["total"] == 1


async def test_permission_catalogue_and_one_role(client: httpx.AsyncClient) -> None:
    admin = await bearer(await make_staff("admin"))
    catalogue = (await client.get("/api/v1/roles/catalog", headers=admin)).json()
    staff = next(r for r in catalogue["resources"] if r["code"] == "org.staff")
    assert (staff["label"], staff["group"]) == ("员工", "组织架构")
    assert [a["permission"] for a in staff["actions"]] == [
        "org.staff:view",
        "org.staff:create",
        "org.staff:edit",
        "org.staff:delete",
        "org.staff:export",
        "org.staff:assign",
    ]
    assert staff["actions"][4]["label"] == "导出"
    mall = next(r for r in catalogue["resources"] if r["code"] == "loyalty.mall")
    assert "loyalty.mall:export" in [a["permission"] for a in mall["actions"]]
    assert catalogue["data_scopes"] == [
        {"code": "own", "label": "仅本人"},
        {"code": "department", "label": "本部门"},
        {"code": "subtree", "label": "本部门及下级"},
        {"code": "all", "label": "全部"},
    ]
    role = await Role.get(code="finance")
    read = await client.get(f"/api/v1/roles/{role.id}", headers=admin)
    assert (read.json()["name"], read.json()["data_scope"]) == ("财务", "all")
    missing = await client.get("/api/v1/roles/999999", headers=admin)
    assert missing.status_code == 404
    guide = await bearer(await make_staff("guide"))
    assert (await client.get("/api/v1/roles/catalog", headers=guide)).status_code == 403
