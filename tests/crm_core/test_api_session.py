"""The SPA's login: a JSON session on the console cookie, CSRF on unsafe cookie requests."""

import httpx
import pytest

from crm_core.audit import AuditLog
from crm_core.config import get_settings
from crm_core.org.models import Department, Role
from crm_core.org.service.roles import ensure_builtin_roles
from crm_core.permissions import all_permissions
from crm_core.redis import get_redis
from crm_core.web.nav import NAV
from tests.factories import (
    PASSWORD,
    api_session_login,
    bearer,
    console_login,
    make_department,
    make_staff,
    make_store,
)

SESSION = "/api/v1/auth/session"


async def _session_tokens() -> list[str]:
    return [key async for key in get_redis().scan_iter("auth:console:*")]


async def test_login_sets_the_console_cookie_and_returns_the_session(
    client: httpx.AsyncClient,
) -> None:
    department = await make_department("华东区")
    store = await make_store(department, name="南京西路店")
    staff = await make_staff("guide", username="gina", department=department, store=store)
    response = await client.post(SESSION, json={"username": "gina", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    token = client.cookies["scrm_session"]
    ttl = get_settings().auth.session_ttl_seconds
    assert cookie == f"scrm_session={token}; HttpOnly; Max-Age={ttl}; Path=/; SameSite=lax"
    body = response.json()
    assert len(body["csrf_token"]) == 43
    me = body["me"]
    assert {k: v for k, v in me.items() if k not in ("permissions", "nav")} == {
        "id": staff.id,
        "username": "gina",
        "name": "测试员工",
        "data_scope": "own",
        "roles": [{"code": "guide", "name": "导购"}],
        "store_id": store.id,
        "store_name": "南京西路店",
    }
    assert "org.store:view" in me["permissions"]
    assert me["permissions"] == sorted(me["permissions"])
    assert await _session_tokens() == [f"auth:console:{token}"]
    assert await AuditLog.filter(action="auth.login", actor_id=staff.id).count() == 1

    again = await client.get(SESSION)
    assert again.status_code == 200
    assert again.json() == body


async def test_the_api_session_opens_the_jinja_console_and_back(
    client: httpx.AsyncClient,
) -> None:
    await make_staff("admin", username="alice")
    await api_session_login(client, "alice")
    assert (await client.get("/admin/departments")).status_code == 200
    client.cookies.clear()
    csrf = await console_login(client, "alice")
    session = await client.get(SESSION)
    assert session.status_code == 200
    assert session.json()["csrf_token"] == csrf


async def test_wrong_password_gets_the_stable_code_and_no_cookie(
    client: httpx.AsyncClient,
) -> None:
    await make_staff("admin", username="alice")
    response = await client.post(SESSION, json={"username": "alice", "password": "wrong-pass1"})
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_credentials", "detail": "用户名或密码错误"}
    assert "set-cookie" not in response.headers
    assert await _session_tokens() == []
    assert await AuditLog.filter(action="auth.login_failed").count() == 1


async def test_disabled_account_cannot_open_a_session(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="bob", is_active=False)
    response = await client.post(SESSION, json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["error"] == "account_disabled"
    assert await _session_tokens() == []


async def test_login_is_throttled_like_the_other_logins(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    for _ in range(5):
        wrong = await client.post(SESSION, json={"username": "alice", "password": "bad-guess1"})
        assert wrong.status_code == 401
    locked = await client.post(SESSION, json={"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"] == "rate_limited"
    assert await _session_tokens() == []


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (
            "username=alice&password=secret123",
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        ('{"username": "alice", "password": "secret123"}', {"Content-Type": "text/plain"}),
        (
            '{"username": "alice", "password": "secret123"}',
            {"Content-Type": "application/json", "Origin": "https://evil.example"},
        ),
        (
            '{"username": "alice", "password": "secret123"}',
            {"Content-Type": "application/json", "Referer": "https://evil.example/login"},
        ),
    ],
    ids=["form", "text-plain", "cross-origin", "cross-referer"],
)
async def test_login_csrf_is_refused(
    client: httpx.AsyncClient, content: str, headers: dict[str, str]
) -> None:
    await make_staff("admin", username="alice")
    response = await client.post(SESSION, content=content, headers=headers)
    assert response.status_code == 403
    assert response.json() == {
        "error": "csrf_failed",
        "detail": "页面已过期或来源不可信，请刷新后重试",
    }
    assert "set-cookie" not in response.headers
    assert await _session_tokens() == []
    assert await AuditLog.filter(action__startswith="auth.").count() == 0


async def test_same_origin_json_login_is_accepted(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    response = await client.post(
        SESSION,
        json={"username": "alice", "password": PASSWORD},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 200


async def test_no_session_is_not_authenticated(client: httpx.AsyncClient) -> None:
    response = await client.get(SESSION)
    assert response.status_code == 401
    assert response.json() == {"error": "not_authenticated", "detail": "请先登录"}
    client.cookies.set("scrm_session", "forged")
    assert (await client.get(SESSION)).json()["error"] == "not_authenticated"
    assert (await client.get("/api/v1/me")).status_code == 401


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),
        ({"X-CSRF-Token": "wrong"}, 403),
        ({"X-CSRF-Token": "{csrf}", "Origin": "https://evil.example"}, 403),
        ({"X-CSRF-Token": "{csrf}", "Sec-Fetch-Site": "cross-site"}, 403),
        ({"X-CSRF-Token": "{csrf}"}, 201),
        ({"X-CSRF-Token": "{csrf}", "Origin": "http://testserver"}, 201),
    ],
    ids=["no-token", "wrong-token", "cross-origin", "cross-site", "token", "token-same-origin"],
)
async def test_cookie_writes_need_the_csrf_token(
    client: httpx.AsyncClient, headers: dict[str, str], status: int
) -> None:
    await make_staff("admin", username="alice")
    csrf = await api_session_login(client, "alice")
    headers = {k: v.format(csrf=csrf) for k, v in headers.items()}
    response = await client.post("/api/v1/departments", json={"name": "新部门"}, headers=headers)
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"] == "csrf_failed"
        assert await Department.all().count() == 0
        assert await AuditLog.filter(action="department.create").count() == 0
    else:
        assert response.json()["name"] == "新部门"
        assert await Department.filter(name="新部门").count() == 1


async def test_cookie_reads_need_no_csrf_token(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    await make_department("总部")
    await api_session_login(client, "alice")
    response = await client.get("/api/v1/departments")
    assert response.status_code == 200
    assert [d["name"] for d in response.json()] == ["总部"]


async def test_cookie_auth_still_checks_permissions(client: httpx.AsyncClient) -> None:
    await make_staff("guide", username="gina")
    csrf = await api_session_login(client, "gina")
    response = await client.post(
        "/api/v1/departments", json={"name": "新部门"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert await Department.all().count() == 0


async def test_bearer_needs_no_csrf_token_even_beside_a_cookie(
    client: httpx.AsyncClient,
) -> None:
    admin = await make_staff("admin", username="alice")
    headers = await bearer(admin)
    response = await client.post("/api/v1/departments", json={"name": "甲"}, headers=headers)
    assert response.status_code == 201
    await api_session_login(client, "alice")
    response = await client.post("/api/v1/departments", json={"name": "乙"}, headers=headers)
    assert response.status_code == 201
    assert sorted(d.name for d in await Department.all()) == ["乙", "甲"]


async def test_cookie_requests_slide_the_session(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="alice")
    await api_session_login(client, "alice")
    key = f"auth:console:{client.cookies['scrm_session']}"
    await get_redis().expire(key, 60)
    assert (await client.get("/api/v1/me")).status_code == 200
    assert await get_redis().ttl(key) == get_settings().auth.session_ttl_seconds


async def test_logout_needs_csrf_then_revokes_the_session(client: httpx.AsyncClient) -> None:
    staff = await make_staff("admin", username="alice")
    csrf = await api_session_login(client, "alice")
    token = client.cookies["scrm_session"]
    refused = await client.delete(SESSION)
    assert refused.status_code == 403
    assert (await client.get(SESSION)).status_code == 200

    response = await client.delete(SESSION, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    cleared = response.headers["set-cookie"]
    assert cleared.startswith('scrm_session=""; expires=')
    assert cleared.endswith("; HttpOnly; Max-Age=0; Path=/; SameSite=lax")
    assert "scrm_session" not in client.cookies
    assert await _session_tokens() == []
    assert await AuditLog.filter(action="auth.logout", actor_id=staff.id).count() == 1
    client.cookies.set("scrm_session", token)
    gone = await client.get(SESSION)
    assert gone.status_code == 401
    assert gone.json()["error"] == "not_authenticated"
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_disabled_staff_loses_the_cookie_session(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin", username="alice")
    other = await make_staff("admin", username="olga")
    await api_session_login(client, "olga")
    assert (await client.get("/api/v1/me")).status_code == 200
    disabled = await client.post(f"/api/v1/staff/{other.id}/disable", headers=await bearer(admin))
    assert disabled.status_code == 200
    assert await _session_tokens() == []
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await client.get(SESSION)).status_code == 401


async def test_an_inactive_account_behind_a_live_session_is_refused(
    client: httpx.AsyncClient,
) -> None:
    other = await make_staff("admin", username="olga")
    await api_session_login(client, "olga")
    other.is_active = False
    await other.save(update_fields=["is_active"])  # past the service: no revocation ran
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": "not_authenticated", "detail": "账号已停用或不存在"}


GUIDE_NAV = [
    ("", "工作台", "/admin", "House", None),
    ("门店与导购", "门店", "/admin/stores", "Shop", "org.store:view"),
    ("微信公众号", "渠道二维码", "/admin/wechat/qrcodes", "Grid", "wechat.qrcode:view"),
    ("微信公众号", "粉丝", "/admin/wechat/fans", "Star", "wechat.fan:view"),
    ("微信公众号", "粉丝画像", "/admin/wechat/portrait", "PieChart", "wechat.fan:view"),
    ("会员", "会员列表", "/admin/members", "UserFilled", "members.member:view"),
    ("会员", "资料奖励", "/admin/members/profile-rewards", "Postcard", "members.member:view"),
    ("会员营销", "会员积分", "/admin/loyalty/points", "Coin", "loyalty.points:view"),
    ("会员营销", "优惠券", "/admin/loyalty/coupons", "Ticket", "loyalty.coupon:view"),
]


async def test_me_nav_follows_permissions(client: httpx.AsyncClient) -> None:
    admin = await make_staff("admin")
    guide = await make_staff("guide")
    admin_nav = (await client.get("/api/v1/me", headers=await bearer(admin))).json()["nav"]
    guide_nav = (await client.get("/api/v1/me", headers=await bearer(guide))).json()["nav"]
    assert admin_nav[:3] == [
        {"group": "", "label": "工作台", "path": "/admin", "icon": "House", "permission": None},
        {
            "group": "组织架构",
            "label": "部门",
            "path": "/admin/departments",
            "icon": "OfficeBuilding",
            "permission": "org.department:view",
        },
        {
            "group": "组织架构",
            "label": "岗位",
            "path": "/admin/positions",
            "icon": "Suitcase",
            "permission": "org.position:view",
        },
    ]
    # Every entry, in display order: registration order with the system group last.
    in_order = sorted(NAV, key=lambda item: item.group_en == "System")
    assert [entry["path"] for entry in admin_nav] == [item.href for item in in_order]
    assert [tuple(entry.values()) for entry in guide_nav] == GUIDE_NAV


async def test_every_nav_entry_has_an_icon_and_chinese_labels() -> None:
    for item in NAV:
        assert item.icon[:1].isupper(), item
        assert not item.label_zh.isascii(), item
        assert item.group_zh == "" or not item.group_zh.isascii(), item
    assert NAV[0].href == "/admin"


async def test_permission_catalogue_has_chinese_labels(client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/api/v1/permissions")
    assert anonymous.status_code == 401
    response = await client.get("/api/v1/permissions", headers=await bearer(await make_staff(None)))
    assert response.status_code == 200
    catalogue = response.json()
    assert [p["code"] for p in catalogue] == all_permissions()
    assert catalogue[0] == {
        "code": "org.department:view",
        "label": "查看部门",
        "group": "组织架构",
        "resource": "org.department",
        "resource_label": "部门",
        "action": "view",
        "action_label": "查看",
    }
    staff_view = next(p for p in catalogue if p["code"] == "org.staff:export")
    assert (staff_view["label"], staff_view["group"]) == ("导出员工", "组织架构")
    for permission in catalogue:
        assert not permission["label"].isascii(), permission
        assert not permission["group"].isascii(), permission


async def test_built_in_roles_read_in_chinese(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/roles", headers=await bearer(await make_staff("admin")))
    described = {r["code"]: (r["name"], r["description"]) for r in response.json()}
    assert described == {
        "admin": ("系统管理员", "全部功能与全部数据"),
        "marketer": ("营销专员", "二维码、菜单、自动回复、活动与抽奖"),
        "store_manager": ("店长", "管理一家门店及其导购"),
        "guide": ("导购", "在门店拉新并服务粉丝"),
        "sales_rep": ("销售代表", "跟进本人的客户与商机"),
        "sales_manager": ("销售经理", "带领销售团队"),
        "sales_director": ("销售总监", "审批大额单据，管理销售部门"),
        "service_agent": ("客服专员", "答复会员消息与服务工单"),
        "finance": ("财务", "收款、发票与报表"),
    }


async def test_english_built_in_descriptions_are_translated_once() -> None:
    await Role.filter(code="guide").update(description="Captures and serves fans in a store")
    await Role.filter(code="finance").update(description="我们自己写的说明")
    assert await ensure_builtin_roles() == 1
    assert (await Role.get(code="guide")).description == "在门店拉新并服务粉丝"
    assert (await Role.get(code="finance")).description == "我们自己写的说明"
    entry = await AuditLog.get(action="role.description_translated")
    assert entry.before == {"description": "Captures and serves fans in a store"}
    assert entry.after == {"description": "在门店拉新并服务粉丝"}
    assert await ensure_builtin_roles() == 0
