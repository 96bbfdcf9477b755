import httpx
import pytest

from crm_core import audit
from crm_core.audit import AuditLog
from crm_core.org.models import Department, Role, Staff, Store
from crm_core.org.rules import subtree, visible_departments, widest_scope, would_create_cycle
from tests.crm_core.test_audit import tamper
from tests.factories import bearer, make_department, make_staff, make_store


def test_subtree_and_cycle_rules() -> None:
    parents = {1: None, 2: 1, 3: 2, 4: 1}
    assert subtree(1, parents) == {1, 2, 3, 4}
    assert subtree(2, parents) == {2, 3}
    assert would_create_cycle(2, 3, parents) is True
    assert would_create_cycle(2, 4, parents) is False
    assert would_create_cycle(2, None, parents) is False
    assert visible_departments("subtree", 2, parents) == frozenset({2, 3})  # type: ignore[arg-type]
    assert visible_departments("all", 2, parents) is None  # type: ignore[arg-type]
    assert widest_scope(["own", "subtree", "department"]) == "subtree"


async def test_department_tree_create_move_and_refusals(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("admin"))
    root = (await client.post("/api/v1/departments", json={"name": "总部"}, headers=headers)).json()
    east = (
        await client.post(
            "/api/v1/departments", json={"name": "华东", "parent_id": root["id"]}, headers=headers
        )
    ).json()
    shanghai = (
        await client.post(
            "/api/v1/departments", json={"name": "上海", "parent_id": east["id"]}, headers=headers
        )
    ).json()
    cycle = await client.patch(
        f"/api/v1/departments/{east['id']}",
        json={"move": True, "parent_id": shanghai["id"]},
        headers=headers,
    )
    assert cycle.status_code == 409
    assert cycle.json()["error"] == "department_cycle"
    assert (await Department.get(id=east["id"])).parent_id == root["id"]  # type: ignore[attr-defined]
    duplicate = await client.post(
        "/api/v1/departments", json={"name": "华东", "parent_id": root["id"]}, headers=headers
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["error"] == "duplicate_name"
    moved = await client.patch(
        f"/api/v1/departments/{shanghai['id']}",
        json={"move": True, "parent_id": root["id"], "name": "上海分部"},
        headers=headers,
    )
    assert moved.json() == {
        "id": shanghai["id"],
        "name": "上海分部",
        "parent_id": root["id"],
        "sort_order": 0,
    }
    not_empty = await client.delete(f"/api/v1/departments/{root['id']}", headers=headers)
    assert not_empty.status_code == 409
    assert not_empty.json()["error"] == "department_not_empty"
    assert await Department.all().count() == 3


async def test_department_with_staff_cannot_be_deleted(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("admin"))
    department = await make_department("门店部")
    await make_staff("guide", department=department)
    response = await client.delete(f"/api/v1/departments/{department.id}", headers=headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "部门下还有子部门、员工或门店，不能删除"
    assert await Department.exists(id=department.id)


async def test_duplicate_store_code_is_refused(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("admin"))
    department = await make_department()
    await make_store(department, code="SH001")
    response = await client.post(
        "/api/v1/stores",
        headers=headers,
        json={"code": "SH001", "name": "另一家", "department_id": department.id},
    )
    assert response.status_code == 409
    assert response.json() == {"error": "duplicate_store_code", "detail": "门店编码“SH001”已存在"}
    assert await Store.all().count() == 1


async def test_last_administrator_cannot_be_disabled_or_demoted(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    headers = await bearer(admin)
    disabled = await client.post(f"/api/v1/staff/{admin.id}/disable", headers=headers)
    assert disabled.status_code == 409
    assert disabled.json()["error"] == "last_administrator"
    guide_role = await Role.get(code="guide")
    demoted = await client.patch(
        f"/api/v1/staff/{admin.id}", headers=headers, json={"role_ids": [guide_role.id]}
    )
    assert demoted.status_code == 409
    assert (await Staff.get(id=admin.id)).is_active is True
    assert [r.code for r in await admin.roles.all()] == ["admin"]
    second = await make_staff("admin")
    assert (
        await client.post(f"/api/v1/staff/{second.id}/disable", headers=headers)
    ).status_code == 200


async def test_staff_changes_are_audited_with_before_and_after(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin", username="boss")
    target = await make_staff("guide")
    response = await client.patch(
        f"/api/v1/staff/{target.id}",
        headers=await bearer(admin),
        json={"name": "新名字", "phone": "13800000000"},
    )
    assert response.status_code == 200
    entry = await AuditLog.get(action="staff.update")
    assert entry.actor_name == "boss"
    assert entry.ip == "203.0.113.7"
    assert entry.before == {"name": "测试员工", "phone": ""}
    assert entry.after == {"name": "新名字", "phone": "13800000000"}


async def test_password_reset_is_audited_without_the_password(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    target = await make_staff("guide")
    response = await client.post(
        f"/api/v1/staff/{target.id}/password",
        headers=await bearer(admin),
        json={"password": "newpass123"},
    )
    assert response.status_code == 204
    entry = await AuditLog.get(action="staff.reset_password")
    assert "newpass123" not in str(entry.before) + str(entry.after)


async def test_weak_passwords_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/staff",
        headers=await bearer(await make_staff("admin")),
        json={"username": "newbie", "name": "新人", "password": "abcdefgh"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "weak_password"
    assert not await Staff.exists(username="newbie")


async def test_nobody_hands_out_more_than_they_hold(client: httpx.AsyncClient) -> None:
    department = await make_department()
    manager = await make_staff("store_manager", department=department)
    admin_role = await Role.get(code="admin")
    response = await client.post(
        "/api/v1/staff",
        headers=await bearer(manager),
        json={
            "username": "sneaky",
            "name": "越权",
            "password": "abc12345",
            "department_id": department.id,
            "role_ids": [admin_role.id],
        },
    )
    assert response.status_code == 404
    assert not await Staff.exists(username="sneaky")


async def test_builtin_roles_cannot_be_deleted(client: httpx.AsyncClient) -> None:
    role = await Role.get(code="guide")
    response = await client.delete(
        f"/api/v1/roles/{role.id}", headers=await bearer(await make_staff("admin"))
    )
    assert response.status_code == 409
    assert response.json()["error"] == "builtin_role"
    assert await Role.exists(code="guide")


async def test_unknown_permission_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/roles",
        headers=await bearer(await make_staff("admin")),
        json={"code": "odd", "name": "奇怪", "permissions": ["org.store:fly"]},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "未知的权限：org.store:fly"


async def test_audit_chain_detects_tampering() -> None:
    for number in range(3):
        await audit.record(audit.SYSTEM, "test.event", target_id=number, after={"n": number})
    assert await audit.verify_chain() is None
    second = await AuditLog.filter(action="test.event").order_by("id").offset(1).first()
    assert second is not None
    await tamper("UPDATE audit_log SET after = '{}' WHERE id = {}", '{"n": 99}', second.id)
    assert await audit.verify_chain() == second.id


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": "ok", "is_admin": True}, "is_admin"),
    ],
    ids=["empty", "too-long", "mass-assignment"],
)
async def test_bad_shapes_get_422_and_nothing_changes(
    client: httpx.AsyncClient, payload: dict[str, object], field: str
) -> None:
    response = await client.post(
        "/api/v1/departments", json=payload, headers=await bearer(await make_staff("admin"))
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["fields"][0]["loc"][-1] == field
    assert await Department.all().count() == 0


async def test_upgrades_offer_only_new_default_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_core.org import rules
    from crm_core.org.service.roles import ensure_builtin_roles

    guide = await Role.get(code="guide")
    guide.permissions = []  # an administrator took everything away on purpose
    await guide.save()
    name, description, permissions, scope = rules.BUILTIN_ROLES["guide"]
    monkeypatch.setitem(
        rules.BUILTIN_ROLES, "guide", (name, description, [*permissions, "org.staff:view"], scope)
    )
    assert await ensure_builtin_roles() == 1
    guide = await Role.get(code="guide")
    assert guide.permissions == ["org.staff:view"]
    assert "org.staff:view" in guide.offered_defaults
    assert await ensure_builtin_roles() == 0
    assert await AuditLog.filter(action="role.defaults_added").count() == 1


async def test_a_manager_cannot_change_the_roles_of_someone_who_outranks_them(
    client: httpx.AsyncClient,
) -> None:
    department = await make_department()
    manager = await make_staff("store_manager", department=department)
    target = await make_staff("finance", department=department)
    guide_role = await Role.get(code="guide")
    response = await client.patch(
        f"/api/v1/staff/{target.id}",
        headers=await bearer(manager),
        json={"role_ids": [guide_role.id]},
    )
    assert (response.status_code, response.json()["error"]) == (403, "staff_outranks_you")
    assert sorted(r.code for r in await target.roles.all()) == ["finance"]


async def test_exports_are_scoped_formula_safe_and_audited(client: httpx.AsyncClient) -> None:
    east = await make_department("华东")
    south = await make_department("华南")
    await make_store(east, code="E01", name='=HYPERLINK("http://evil")')
    await make_store(south, code="S01")
    manager = await make_staff("finance", department=east, username="money")
    response = await client.get("/api/v1/exports/stores.csv", headers=await bearer(manager))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "门店编码,门店名称,省,市,区/县,地址,电话,所属部门,状态"
    assert lines[1] == 'E01,"\'=HYPERLINK(""http://evil"")",,,,,,华东,营业中'
    assert len(lines) == 3  # finance sees all stores
    entry = await AuditLog.get(action="store.export")
    assert (entry.actor_name, entry.after) == ("money", {"rows": 2, "format": "csv"})


async def test_exports_follow_the_data_scope(client: httpx.AsyncClient) -> None:
    east = await make_department("华东")
    south = await make_department("华南")
    lead = await make_staff("sales_manager", department=east, username="lead")
    await make_staff("guide", department=south, username="far_away")
    response = await client.get("/api/v1/exports/staff.csv", headers=await bearer(lead))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "lead" in text
    assert "far_away" not in text
