"""Bad input answers a clear 4xx, never a 500, and changes nothing (issue 9 item 7).

One test per class of 500 found by probing: ids past int4 in paths, queries and bodies, NUL
characters anywhere in a request, an over-long login name, a deeply nested callback body, a points
adjustment of 0; on the JSON API and on the console and H5 pages.
"""

import re
from typing import Any

import httpx
import pytest
from tortoise import connections

from crm_core.org.models import Department, Staff, Store
from loyalty.points.models import PointsEntry
from members.models import Member
from tests.factories import (
    bearer,
    console_login,
    make_department,
    make_staff,
    make_store,
    post_login,
)
from tests.members.support import h5_session, make_card_member
from tests.wechat import callback_support
from wechat.models import InboundEvent

TOO_BIG = 2**31
ORDER = {
    "order_no": "T0001",
    "store_id": 1,
    "lines": [{"product_code": "SKU1", "quantity": 1, "unit_price_fen": 100}],
    "paid_at": "2026-12-01T10:00:00+08:00",
}


async def _counts() -> dict[str, int]:
    """Rows per table: a refused request must leave every one as it was."""
    connection = connections.get("default")
    tables = await connection.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    counts = {}
    for row in tables:
        query = f'SELECT count(*) AS n FROM "{row["tablename"]}"'  # noqa: S608 - catalog names
        counts[row["tablename"]] = (await connection.execute_query_dict(query))[0]["n"]
    return counts


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> dict[str, str]:
    store = await make_store(await make_department("华东"), code="SH001")  # store #1
    staff = await make_staff("admin", username="boss", store=store)
    client.headers.update(await bearer(staff))
    return {"id": str(staff.id)}


def _error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]


API_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("GET", f"/api/v1/staff/{TOO_BIG}", {}, "validation_error"),
    ("GET", f"/api/v1/members/{TOO_BIG}", {}, "validation_error"),
    ("GET", f"/api/v1/sms/messages/{2**63}", {}, "validation_error"),
    ("GET", f"/api/v1/staff?department_id={TOO_BIG}", {}, "validation_error"),
    ("GET", "/api/v1/sms/calls?after=99999999999999999999", {}, "validation_error"),
    (
        "POST",
        "/api/v1/departments",
        {"json": {"name": "华北", "parent_id": TOO_BIG}},
        "validation_error",
    ),
    (
        "POST",
        "/api/v1/sales/orders",
        {"json": ORDER | {"member_id": TOO_BIG}},
        "validation_error",
    ),
    ("POST", "/api/v1/departments", {"json": {"name": "华\x00北"}}, "invalid_character"),
    (
        "POST",
        "/api/v1/departments",
        {"content": b'{"name": "\\u0000"}', "headers": {"content-type": "application/json"}},
        "invalid_character",
    ),
    ("GET", "/api/v1/staff?keyword=%00", {}, "invalid_character"),
    ("GET", "/api/v1/stores?city=a%00b", {}, "invalid_character"),
    ("DELETE", "/api/v1/sms/suppressions/%00", {}, "invalid_character"),
    (
        "POST",
        "/api/v1/sms/messages",
        {"json": {"to": "+8613800138000", "text": "您好\x00"}},
        "invalid_character",
    ),
]


@pytest.mark.parametrize(
    ("method", "url", "request_kwargs", "code"),
    API_CASES,
    ids=[f"{m} {u.split('?')[0]} {c}" for m, u, _, c in API_CASES],
)
async def test_bad_ids_and_nul_characters_answer_422_on_the_api(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    method: str,
    url: str,
    request_kwargs: dict[str, Any],
    code: str,
) -> None:
    before = await _counts()
    response = await client.request(method, url, **request_kwargs)
    assert _error(response) == (422, code)
    assert await _counts() == before


async def test_a_nul_in_a_member_profile_changes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    member = await make_card_member(name="张三丰")
    response = await client.put(
        f"/api/v1/members/{member.id}/profile", json={"name": "张\x00三", "city": "上海"}
    )
    assert _error(response) == (422, "invalid_character")
    assert (await Member.get(id=member.id)).name == "张三丰"
    assert (await Member.get(id=member.id)).city == ""


async def test_a_points_adjustment_of_zero_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    member = await make_card_member()
    response = await client.post(
        f"/api/v1/loyalty/members/{member.id}/adjustments",
        json={"delta": 0, "reason": "测试", "idempotency_key": "adjust-zero-1"},
    )
    assert _error(response) == (422, "validation_error")
    assert response.json()["fields"][0]["loc"] == ["body", "delta"]
    assert await PointsEntry.all().count() == 0


@pytest.mark.parametrize("length", [65, 10_000])
async def test_an_over_long_login_name_is_refused_without_a_500(
    client: httpx.AsyncClient, length: int
) -> None:
    await make_staff("admin", username="boss")
    api = await client.post(
        "/api/v1/auth/token", json={"username": "a" * length, "password": "secret123"}
    )
    form = await post_login(client, {"username": "a" * length, "password": "x"})
    assert _error(api) == (422, "validation_error")
    assert form.status_code == 401
    assert "用户名或密码错误" in form.text


async def test_console_pages_answer_a_4xx_page_for_bad_ids_and_nul(
    client: httpx.AsyncClient,
) -> None:
    department = await make_department("华东")
    await make_store(department, code="SH001")
    await make_staff("admin", username="boss")
    csrf = await console_login(client, "boss")
    before = await _counts()
    html = {"accept": "text/html"}

    staff_page = await client.get(f"/admin/staff/{TOO_BIG}", headers=html)
    store_page = await client.get(f"/admin/stores/{TOO_BIG}", headers=html)
    search = await client.get("/admin/staff?keyword=%00", headers=html)
    created = await client.post(
        "/admin/departments", data={"csrf_token": csrf, "name": "华\x00北"}, headers=html
    )
    moved = await client.post(
        f"/admin/departments/{department.id}",
        data={"csrf_token": csrf, "name": "华东", "parent_id": str(TOO_BIG)},
        headers=html,
    )

    assert [r.status_code for r in (staff_page, store_page, search, created)] == [422] * 4
    assert all("text/html" in r.headers["content-type"] for r in (staff_page, search, created))
    assert "含有不允许的字符" in search.text
    assert moved.status_code == 303  # the form comes back with the error flashed
    assert await _counts() == before
    assert await Department.filter(name="华东").count() == 1
    assert (await Department.get(id=department.id)).parent_id is None  # type: ignore[attr-defined]
    assert await Staff.all().count() == 1
    assert await Store.all().count() == 1


async def test_h5_pages_answer_a_4xx_page_for_bad_ids_and_nul(client: httpx.AsyncClient) -> None:
    member = await make_card_member(name="张三丰")
    csrf = await h5_session(client, member.id)
    html = {"accept": "text/html"}

    asset = await client.get(f"/h5/member/assets/{TOO_BIG}", headers=html)
    center = await client.get("/h5/member?appid=%00", headers=html)
    profile = await client.post(
        "/h5/member/profile",
        data={"csrf_token": csrf, "name": "张\x00", "birthday_calendar": "solar"},
        headers=html,
    )

    assert [asset.status_code, center.status_code, profile.status_code] == [422, 422, 422]
    assert all("text/html" in r.headers["content-type"] for r in (asset, center, profile))
    assert (await Member.get(id=member.id)).name == "张三丰"


async def test_a_deeply_nested_callback_body_is_refused_with_400(
    client: httpx.AsyncClient,
) -> None:
    await callback_support.make_account()
    before = await _counts()
    depth = 10_000
    xml = "<xml>" + "<a>" * depth + "x" + "</a>" * depth + "</xml>"

    response = await callback_support.post(client, xml)

    assert response.status_code == 400
    assert response.json()["error"] == "wechat_malformed_xml"
    assert await InboundEvent.all().count() == 0
    assert await _counts() == before


async def test_a_coupon_code_longer_than_its_column_is_simply_not_found(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    before = await _counts()
    response = await client.post(
        "/api/v1/loyalty/coupons/verify", json={"code": "A" * 40, "store_id": 1}
    )
    assert _error(response) == (404, "coupon_not_found")
    assert await _counts() == before


async def test_a_value_its_column_cannot_hold_is_a_422_even_past_the_schemas() -> None:
    from scrm.app import create_app

    app = create_app(boot=False)

    @app.get("/test-only/lookup")
    async def lookup() -> None:
        await Staff.get_or_none(username="a" * 65)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/test-only/lookup")
    assert response.status_code == 422
    assert response.json() == {
        "error": "validation_error",
        "detail": "提交的数据超出允许的长度或范围",
    }


async def test_digits_that_int_refuses_are_bad_input_not_a_crash(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """`"²".isdigit()` is True, but `int("²")` raises: every typed number goes through
    `isdecimal()` instead."""
    member = await make_card_member(name="张三丰")
    before = await _counts()

    card = await client.post("/api/v1/members/card-code/resolve", json={"code": "88000001.².AB"})
    birthday = await client.put(
        f"/api/v1/members/{member.id}/profile", json={"birthday": "1990-²-15"}
    )
    merge = await client.post(f"/api/v1/members/{member.id}/merges/preview", json={"source": "²"})

    assert _error(card) == (400, "card_code_invalid")
    assert _error(birthday) == (422, "profile_invalid")
    assert _error(merge) == (404, "merge_source_not_found")
    assert await _counts() == before


async def test_console_filters_ignore_ids_that_cannot_exist(client: httpx.AsyncClient) -> None:
    await make_staff("admin", username="boss")
    await console_login(client, "boss")

    staff = await client.get("/admin/staff?department_id=²")
    fans = await client.get(f"/admin/wechat/fans?store_id={TOO_BIG}&account_id=²")

    assert [staff.status_code, fans.status_code] == [200, 200]


def _page_routes() -> list[tuple[str, str]]:
    """Every console and H5 route that takes a path parameter (the pages outside /openapi.json,
    which the schemathesis run cannot reach)."""
    from scrm.app import create_app
    from tests.crm_core.test_access_matrix import all_routes

    found = set()
    for route in all_routes(create_app(boot=False).routes):
        if route.path.startswith(("/admin", "/h5")) and "{" in route.path:
            found |= {(method, route.path) for method in route.methods if method != "HEAD"}
    return sorted(found)


PAGE_ROUTES = _page_routes()


@pytest.mark.parametrize("bad", ["2147483648", "%00"], ids=["int4-overflow", "nul"])
async def test_every_page_with_a_path_parameter_answers_a_4xx_page_for_bad_values(
    client: httpx.AsyncClient, bad: str
) -> None:
    # The members and loyalty console pages moved to the SPA (their ids go through /api/v1).
    assert len(PAGE_ROUTES) > 30
    await make_staff("admin", username="boss")
    csrf = await console_login(client, "boss")
    member = await make_card_member()
    await h5_session(client, member.id)
    before = await _counts()

    answers = {}
    for method, path in PAGE_ROUTES:
        url = re.sub(r"\{[^}]+\}", bad, path)
        data = {"csrf_token": csrf} if method == "POST" else None
        response = await client.request(method, url, data=data, headers={"accept": "text/html"})
        answers[f"{method} {path}"] = response.status_code

    # A 4xx page, or a redirect away (an unknown language switch); never served, never a 500.
    assert {route: status for route, status in answers.items() if not 300 <= status < 500} == {}
    assert sum(400 <= status < 500 for status in answers.values()) >= len(PAGE_ROUTES) - 1
    assert await _counts() == before
