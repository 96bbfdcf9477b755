from collections.abc import Iterator

import httpx
import pytest

from campaigns.care.models import CareSetting
from campaigns.sends import service as sends
from crm_core import clock
from crm_core.audit import AuditLog
from tests.campaigns.support import CONTENT, MONDAY_11, make_library_template, make_member
from tests.factories import bearer, make_staff

SETTING = {
    "enabled": True,
    "text": "{name}，生日快乐",
    "template_id": "TPL_BDAY",
    "template_fields": {"thing1": "{name}", "time2": "今天"},
    "template_url": "",
    "sms": "{name}，生日快乐",
}


BIRTHDAY_PLACEHOLDERS = ["name", "card_no", "points", "tier"]


@pytest.fixture(autouse=True)
def monday() -> Iterator[None]:
    with clock.freeze(MONDAY_11):
        yield


@pytest.fixture(autouse=True)
async def library() -> None:
    await make_library_template("TPL_BDAY", "{{thing1.DATA}}\n日期：{{time2.DATA}}")


async def test_marketer_edits_a_care_setting_and_previews_it(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("marketer"))
    listed = await client.get("/api/v1/campaigns/care-settings", headers=headers)
    assert listed.status_code == 200
    assert [(s["care_type"], s["enabled"], s["marketing"]) for s in listed.json()][:3] == [
        ("welcome", False, True),
        ("card_bound", False, False),
        ("tier_up", False, False),
    ]
    assert {s["care_type"]: s["placeholders"] for s in listed.json()}["points_changed"] == [
        *BIRTHDAY_PLACEHOLDERS,
        "delta",
    ]
    saved = await client.put(
        "/api/v1/campaigns/care-settings/birthday", json=SETTING, headers=headers
    )
    assert saved.status_code == 200
    assert saved.json() == {
        "care_type": "birthday",
        "marketing": True,
        "placeholders": BIRTHDAY_PLACEHOLDERS,
        **SETTING,
    }
    member = await make_member(phone="+8613800138001")
    preview = await client.post(
        "/api/v1/campaigns/care-settings/birthday/preview",
        json={"member_id": member.id},
        headers=headers,
    )
    assert preview.status_code == 200
    assert preview.json()["content"]["text"] == f"{member.name}，生日快乐"
    assert preview.json()["content"]["template_data"] == {"thing1": member.name, "time2": "今天"}
    assert (preview.json()["channel"], preview.json()["skip_reason"]) == ("sms", None)
    assert await AuditLog.filter(action="campaigns.care_setting_updated").count() == 1


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        pytest.param(
            {"text": "", "template_id": "", "sms": "", "template_fields": {}},
            422,
            "care_setting_invalid",
            id="enabled-without-content",
        ),
        pytest.param(
            {"template_fields": {}}, 422, "template_field_unmapped", id="template-no-fields"
        ),
        pytest.param({"template_url": "javascript:x"}, 422, "validation_error", id="bad-url"),
        pytest.param({"colour": "red"}, 422, "validation_error", id="unknown-field"),
    ],
)
async def test_an_invalid_care_setting_saves_nothing(
    client: httpx.AsyncClient, change: dict[str, object], status: int, error: str
) -> None:
    headers = await bearer(await make_staff("marketer"))
    response = await client.put(
        "/api/v1/campaigns/care-settings/birthday", json=SETTING | change, headers=headers
    )
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert await CareSetting.all().count() == 0


@pytest.mark.parametrize(
    ("change", "error", "fields"),
    [
        pytest.param(
            {"template_fields": {"thing1": "{name}", "time2": "  "}},
            "template_field_unmapped",
            [(["body", "template_fields", "time2"], "请填写模板字段 time2")],
            id="blank-field",
        ),
        pytest.param(
            {"template_fields": {"thing1": "{name}", "keyword9": "x"}},
            "template_field_unmapped",
            [(["body", "template_fields", "time2"], "请填写模板字段 time2")],
            id="missing-field",
        ),
        pytest.param(
            {"template_fields": {}, "enabled": False},
            "template_field_unmapped",
            [
                (["body", "template_fields", "thing1"], "请填写模板字段 thing1"),
                (["body", "template_fields", "time2"], "请填写模板字段 time2"),
            ],
            id="nothing-mapped-even-when-off",
        ),
        pytest.param(
            {"template_id": "TPL_GONE"},
            "template_unknown",
            [(["body", "template_id"], "模板消息库中没有这个模板，请先在「模板消息」页同步模板")],
            id="unknown-template",
        ),
    ],
)
async def test_a_template_must_be_synced_and_fully_mapped(
    client: httpx.AsyncClient,
    change: dict[str, object],
    error: str,
    fields: list[tuple[list[str], str]],
) -> None:
    headers = await bearer(await make_staff("marketer"))
    url = "/api/v1/campaigns/care-settings/birthday"
    assert (await client.put(url, json=SETTING, headers=headers)).status_code == 200
    response = await client.put(url, json=SETTING | change, headers=headers)
    assert (response.status_code, response.json()["error"]) == (422, error)
    assert [(f["loc"], f["msg"], f["type"]) for f in response.json()["fields"]] == [
        (loc, msg, error) for loc, msg in fields
    ]
    saved = await CareSetting.get(care_type="birthday")
    assert (saved.enabled, saved.template_id, saved.template_fields) == (
        True,
        "TPL_BDAY",
        {"thing1": "{name}", "time2": "今天"},
    )
    assert await AuditLog.filter(action="campaigns.care_setting_updated").count() == 1


async def test_deliveries_are_paged_and_filtered(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("marketer"))
    members = [await make_member() for _ in range(3)]
    for member in members:
        await sends.enqueue("care:festival:1", "festival", member.id, CONTENT)
    await sends.enqueue("care:birthday:x", "birthday", members[0].id, CONTENT)
    page = await client.get(
        "/api/v1/campaigns/deliveries",
        params={"intent_key": "care:festival:1", "page_size": 2, "page": 2},
        headers=headers,
    )
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["page"], body["page_size"]) == (3, 2, 2)
    assert [(i["member_id"], i["status"], i["channel"]) for i in body["items"]] == [
        (members[0].id, "queued", "")
    ]
    by_member = await client.get(
        "/api/v1/campaigns/deliveries", params={"member_id": members[0].id}, headers=headers
    )
    assert [i["kind"] for i in by_member.json()["items"]] == ["birthday", "festival"]
    bad = await client.get("/api/v1/campaigns/deliveries", params={"status": "x"}, headers=headers)
    assert bad.status_code == 422


async def test_dry_run_over_the_api(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("marketer"))
    with_phone = await make_member(phone="+8613800138001")
    without = await make_member()
    response = await client.post(
        "/api/v1/campaigns/dry-runs",
        json={"member_ids": [with_phone.id, without.id, 999_999]},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json() == {
        "total": 3,
        "channels": {"sms": 1},
        "deferred": 0,
        "skipped": {"no_phone": 1, "member_gone": 1},
    }


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/v1/campaigns/care-settings"),
        ("PUT", "/api/v1/campaigns/care-settings/birthday"),
        ("GET", "/api/v1/campaigns/deliveries"),
        ("POST", "/api/v1/campaigns/dry-runs"),
    ],
)
async def test_a_guide_may_not(client: httpx.AsyncClient, method: str, url: str) -> None:
    headers = await bearer(await make_staff("guide"))
    response = await client.request(method, url, json={}, headers=headers)
    assert response.status_code == 403
