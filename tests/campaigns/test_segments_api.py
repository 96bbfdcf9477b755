"""Segments over HTTP: CRUD, live preview and explanation, members, the campaign's member query,
the data scope, and refused input (422 at the field, nothing written)."""

from typing import Any

import httpx
import pytest
from tortoise import connections

from campaigns.segments import service
from campaigns.segments.models import Segment
from crm_core import clock
from crm_core.audit import AuditLog
from crm_core.org.models import DataScope, Department, Role
from crm_core.org.service.auth import principal_for
from loyalty.points.models import Account
from loyalty.program.models import Tier
from members.models import Member
from tests.campaigns.segment_world import NOW
from tests.factories import bearer, make_staff, make_store

URL = "/api/v1/campaigns/segments"


def rule(*conditions: dict[str, Any], match: str = "all") -> dict[str, Any]:
    return {"match": "all", "groups": [{"match": match, "conditions": list(conditions)}]}


async def shop() -> dict[str, Any]:
    """Two regions; in each, members of tier gold (3 east, 2 south) and basic (1 each)."""
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    stores = {"east": await make_store(east), "south": await make_store(south)}
    gold = await Tier.create(code="gold", name="金卡", rank=1, threshold=0)
    basic = await Tier.create(code="basic", name="普卡", rank=0, threshold=0)
    ids: dict[str, list[int]] = {"east": [], "south": []}
    for side, golds in (("east", 3), ("south", 2)):
        for n in range(golds + 1):
            member = await Member.create(
                name=f"{side}{n}", first_store_id=stores[side].id, created_at=NOW
            )
            tier = gold if n < golds else basic
            await Account.create(member=member, tier=tier, balance=n * 100, created_at=NOW)
            ids[side].append(member.id)
    role = await Role.create(
        code="area_marketer",
        name="区域营销",
        permissions=[f"campaigns.segment:{a}" for a in ("view", "create", "edit", "delete")],
        data_scope=DataScope.SUBTREE,
    )
    area = await make_staff(None, department=east, store=stores["east"])
    await area.roles.add(role)
    return {
        "gold": gold.id,
        "basic": basic.id,
        "ids": ids,
        "marketer": await make_staff("marketer", department=root),
        "area": area,
    }


async def test_create_read_update_delete(client: httpx.AsyncClient) -> None:
    world = await shop()
    headers = await bearer(world["marketer"])
    gold = rule({"field": "tier", "op": "in", "value": [world["gold"]]})
    created = await client.post(URL, json={"name": "金卡会员", "rule": gold}, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["name"], body["member_count"], body["created_by_name"]) == (
        "金卡会员",
        5,
        "测试员工",
    )
    assert body["rule"]["groups"][0]["conditions"] == [
        {"field": "tier", "op": "in", "value": [world["gold"]]}
    ]
    listed = await client.get(URL, headers=headers)
    assert [s["name"] for s in listed.json()] == ["金卡会员"]
    richer = rule(
        {"field": "tier", "op": "in", "value": [world["gold"]]},
        {"field": "points_balance", "op": "gte", "value": 100},
    )
    changed = await client.put(
        f"{URL}/{body['id']}", json={"name": "金卡有积分", "rule": richer}, headers=headers
    )
    assert (changed.json()["name"], changed.json()["member_count"]) == ("金卡有积分", 3)
    assert (await client.delete(f"{URL}/{body['id']}", headers=headers)).status_code == 204
    gone = await client.get(f"{URL}/{body['id']}", headers=headers)
    assert (gone.status_code, gone.json()["error"]) == (404, "segment_not_found")
    trail = (
        await AuditLog.filter(target_type="segment")
        .order_by("id")
        .values_list("action", "target_id")
    )
    sid = str(body["id"])
    assert trail == [("segment.create", sid), ("segment.update", sid), ("segment.delete", sid)]


async def test_preview_counts_live_and_shows_the_first_twenty(client: httpx.AsyncClient) -> None:
    world = await shop()
    for n in range(25):
        await Member.create(name=f"新{n}", city="深圳", created_at=NOW)
    headers = await bearer(world["marketer"])
    answer = await client.post(
        f"{URL}/preview",
        json={"rule": rule({"field": "city", "op": "in", "value": ["深圳"]})},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["count"] == 25
    names = [m["name"] for m in answer.json()["members"]]
    assert names == [f"新{n}" for n in range(24, 4, -1)]
    assert await Segment.all().count() == 0


async def test_explain_counts_each_condition_and_the_scope_total(client: httpx.AsyncClient) -> None:
    world = await shop()
    headers = await bearer(world["marketer"])
    body = {
        "rule": {
            "match": "any",
            "groups": [
                {
                    "match": "all",
                    "conditions": [
                        {"field": "tier", "op": "in", "value": [world["gold"]]},
                        {"field": "points_balance", "op": "between", "value": [100, 200]},
                    ],
                },
                {
                    "match": "all",
                    "conditions": [{"field": "tier", "op": "not_in", "value": [world["gold"]]}],
                },
            ],
        }
    }
    answer = await client.post(f"{URL}/explain", json=body, headers=headers)
    assert answer.json() == {"total": 7, "groups": [[5, 4], [2]]}
    preview = await client.post(f"{URL}/preview", json=body, headers=headers)
    # (gold and 100..200 points: east1, east2, south1) or the two basic members.
    assert preview.json()["count"] == 5


async def test_a_segments_members_page_and_the_campaigns_member_query(
    client: httpx.AsyncClient,
) -> None:
    world = await shop()
    headers = await bearer(world["marketer"])
    gold = rule({"field": "tier", "op": "in", "value": [world["gold"]]})
    segment = (await client.post(URL, json={"name": "金卡", "rule": gold}, headers=headers)).json()
    page = await client.get(f"{URL}/{segment['id']}/members?page=2&page_size=2", headers=headers)
    everyone = sorted([*world["ids"]["east"][:3], *world["ids"]["south"][:2]], reverse=True)
    assert (page.json()["total"], [m["id"] for m in page.json()["items"]]) == (5, everyone[2:4])
    principal = await principal_for(world["marketer"].id, ip="", user_agent="")
    sql, params = await service.segment_member_ids_sql(segment["id"], principal)
    connection = connections.get("default")
    await connection.execute_script("CREATE TEMP TABLE frozen (member_id int)")
    await connection.execute_query(f"INSERT INTO frozen SELECT id FROM ({sql}) s", params)  # noqa: S608
    rows = await connection.execute_query_dict("SELECT member_id FROM frozen ORDER BY 1 DESC")
    assert [r["member_id"] for r in rows] == everyone
    await connection.execute_script("DROP TABLE frozen")


async def test_the_data_scope_limits_every_count(client: httpx.AsyncClient) -> None:
    world = await shop()
    headers = await bearer(world["area"])
    gold = rule({"field": "tier", "op": "in", "value": [world["gold"]]})
    created = (await client.post(URL, json={"name": "金卡", "rule": gold}, headers=headers)).json()
    assert created["member_count"] == 3
    preview = await client.post(f"{URL}/preview", json={"rule": gold}, headers=headers)
    assert preview.json()["count"] == 3
    assert {m["id"] for m in preview.json()["members"]} == set(world["ids"]["east"][:3])
    explain = await client.post(f"{URL}/explain", json={"rule": gold}, headers=headers)
    assert explain.json() == {"total": 4, "groups": [[3]]}
    members = await client.get(f"{URL}/{created['id']}/members", headers=headers)
    assert members.json()["total"] == 3
    principal = await principal_for(world["area"].id, ip="", user_agent="")
    sql, params = await service.segment_member_ids_sql(created["id"], principal)
    rows = await connections.get("default").execute_query_dict(sql, params)
    assert {r["id"] for r in rows} == set(world["ids"]["east"][:3])
    # The same saved segment counts the whole brand for a marketer.
    everyone = await client.get(
        f"{URL}/{created['id']}/members", headers=await bearer(world["marketer"])
    )
    assert everyone.json()["total"] == 5


BAD = [
    pytest.param(
        {"field": "shoe_size", "op": "in", "value": [1]},
        "segment_unknown_field",
        "field",
        "未知的条件字段：shoe_size",
        id="unknown-field",
    ),
    pytest.param(
        {"field": "tier", "op": "like", "value": [1]},
        "segment_unknown_operator",
        "op",
        "条件「会员等级」不支持运算符 like，可用：in（属于）、not_in（不属于）",
        id="unknown-operator",
    ),
    pytest.param(
        {"field": "age", "op": "between", "value": [40, 20]},
        "segment_bad_value",
        "value",
        "条件「年龄」的值的最小值不能大于最大值",
        id="reversed-range",
    ),
    pytest.param(
        {"field": "phone", "op": "in", "value": ["13800138000", "12345"]},
        "segment_bad_value",
        "value",
        "导入手机号中有无效号码：12345",
        id="bad-imported-phone",
    ),
    pytest.param({"field": "age", "op": "between"}, "missing", "value", None, id="no-value"),
    pytest.param(
        {"field": "tier", "op": "in", "value": [1], "sql": "1=1"},
        "extra_forbidden",
        "sql",
        None,
        id="extra-key",
    ),
]


@pytest.mark.parametrize(("condition", "code", "where", "message"), BAD)
async def test_bad_rules_answer_422_at_the_field_and_write_nothing(
    client: httpx.AsyncClient,
    condition: dict[str, Any],
    code: str,
    where: str,
    message: str | None,
) -> None:
    world = await shop()
    headers = await bearer(world["marketer"])
    for method, url, body in (
        ("POST", URL, {"name": "坏规则", "rule": rule(condition)}),
        ("POST", f"{URL}/preview", {"rule": rule(condition)}),
        ("POST", f"{URL}/explain", {"rule": rule(condition)}),
    ):
        answer = await client.request(method, url, json=body, headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "validation_error"
        [error] = answer.json()["fields"]
        assert error["type"] == code
        assert error["loc"] == ["body", "rule", "groups", "0", "conditions", "0", where]
        if message:
            assert error["msg"] == message
    assert await Segment.all().count() == 0


async def test_a_taken_name_conflicts_and_changes_nothing(client: httpx.AsyncClient) -> None:
    world = await shop()
    headers = await bearer(world["marketer"])
    body = {"name": "金卡", "rule": rule({"field": "tier", "op": "in", "value": [world["gold"]]})}
    first = (await client.post(URL, json=body, headers=headers)).json()
    clock.freeze(clock.utc_now())
    again = await client.post(URL, json={**body, "description": "重复"}, headers=headers)
    assert (again.status_code, again.json()["error"]) == (409, "segment_name_taken")
    rows = await Segment.all().values_list("id", "description")
    assert rows == [(first["id"], "")]


async def test_staff_without_the_permission_are_refused(client: httpx.AsyncClient) -> None:
    guide = await make_staff("guide")
    answer = await client.post(f"{URL}/preview", json={"rule": rule()}, headers=await bearer(guide))
    assert (answer.status_code, answer.json()["error"]) == (403, "permission_denied")


async def test_a_blank_name_is_refused(client: httpx.AsyncClient) -> None:
    world = await shop()
    body = {"name": "   ", "rule": rule({"field": "subscribed", "op": "is", "value": True})}
    answer = await client.post(URL, json=body, headers=await bearer(world["marketer"]))
    assert answer.status_code == 422
    assert [f["loc"] for f in answer.json()["fields"]] == [["body", "name"]]
    assert await Segment.all().count() == 0
