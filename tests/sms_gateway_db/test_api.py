"""JSON API under /api/v1/sms: exact answers, stable error codes."""

import httpx

from sms_gateway.models import Modem, ModemState, SmsMessage, SmsSuppression, SmsTemplate
from sms_gateway.service import suppression
from tests.factories import api_session_login, bearer, make_staff


async def test_send_and_read_back(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    response = await client.post(
        "/api/v1/sms/messages",
        headers=headers,
        json={"to": "13800138000", "text": "您的订单已发货"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["recipient"], body["text"], body["status"], body["part_count"]) == (
        "+8613800138000",
        "【示例商城】您的订单已发货",
        "queued",
        1,
    )
    assert [p["status"] for p in body["parts"]] == ["queued"]
    listing = await client.get("/api/v1/sms/messages?status=queued", headers=headers)
    assert [m["id"] for m in listing.json()["items"]] == [body["id"]]
    assert (await client.get("/api/v1/sms/messages?status=sent", headers=headers)).json()[
        "items"
    ] == []


async def test_bad_input_gets_stable_codes_and_stores_nothing(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    cases = [
        ({"to": "12345", "text": "你好"}, 422, "sms_invalid_number"),
        ({"to": "13800138000", "text": " "}, 422, "sms_empty_text"),
        ({"to": "13800138000", "text": "长" * 500}, 413, "sms_message_too_long"),
        ({"to": "13800138000", "text": "新品", "kind": "marketing"}, 409, "sms_consent_required"),
        ({"to": "13800138000", "text": "x", "extra": 1}, 422, "validation_error"),
        ({"to": "13800138000", "template_code": "nope"}, 404, "sms_not_found"),
    ]
    for body, status, code in cases:
        response = await client.post("/api/v1/sms/messages", headers=headers, json=body)
        assert (response.status_code, response.json()["error"]) == (status, code), body
    await suppression.grant_consent("13800138000", source="test")
    await client.post("/api/v1/sms/suppressions", headers=headers, json={"phone": "13800138000"})
    refused = await client.post(
        "/api/v1/sms/messages",
        headers=headers,
        json={"to": "13800138000", "text": "新品", "kind": "marketing"},
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "sms_number_suppressed")
    assert await SmsMessage.all().count() == 0


async def test_template_send_fills_parameters(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    created = await client.post(
        "/api/v1/sms/templates",
        headers=headers,
        json={"code": "shipped", "name": "发货通知", "body": "您的订单{order}已发货"},
    )
    assert created.status_code == 201
    duplicate = await client.post(
        "/api/v1/sms/templates",
        headers=headers,
        json={"code": "shipped", "name": "重复", "body": "x"},
    )
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "sms_template_exists")
    missing = await client.post(
        "/api/v1/sms/messages",
        headers=headers,
        json={"to": "13800138000", "template_code": "shipped"},
    )
    assert (missing.status_code, missing.json()["error"]) == (422, "sms_template_params")
    sent = await client.post(
        "/api/v1/sms/messages",
        headers=headers,
        json={"to": "13800138000", "template_code": "shipped", "params": {"order": "A1001"}},
    )
    assert sent.json()["text"] == "【示例商城】您的订单A1001已发货"
    assert await SmsTemplate.all().count() == 1


async def test_suppression_list_and_removal(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    added = await client.post(
        "/api/v1/sms/suppressions",
        headers=headers,
        json={"phone": "+86 139 0000 0001", "reason": "投诉"},
    )
    assert added.json()["phone"] == "+8613900000001"
    listing = await client.get("/api/v1/sms/suppressions", headers=headers)
    assert [r["phone"] for r in listing.json()] == ["+8613900000001"]
    gone = await client.delete("/api/v1/sms/suppressions/13900000001", headers=headers)
    assert gone.status_code == 204
    again = await client.delete("/api/v1/sms/suppressions/13900000001", headers=headers)
    assert (again.status_code, again.json()["error"]) == (404, "sms_not_found")
    assert await SmsSuppression.all().count() == 0


async def test_modem_disable_is_audited(client: httpx.AsyncClient):
    from crm_core.audit import AuditLog

    headers = await bearer(await make_staff("admin"))
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    response = await client.patch(
        f"/api/v1/sms/modems/{modem.id}", headers=headers, json={"enabled": False}
    )
    assert response.json()["enabled"] is False
    assert (await Modem.get(id=modem.id)).enabled is False
    assert [a.action for a in await AuditLog.all()] == ["sms.modem_disable"]


async def test_verification_code_api(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    issued = await client.post(
        "/api/v1/sms/verification-codes",
        headers=headers,
        json={"phone": "13800138000", "purpose": "card"},
    )
    assert issued.status_code == 201
    again = await client.post(
        "/api/v1/sms/verification-codes",
        headers=headers,
        json={"phone": "13800138000", "purpose": "card"},
    )
    assert again.status_code == 429
    assert again.json()["error"] == "sms_code_rate_limited"
    assert 1 <= int(again.headers["retry-after"]) <= 60
    wrong = await client.post(
        "/api/v1/sms/verification-codes/verify",
        headers=headers,
        json={"phone": "13800138000", "purpose": "card", "code": "0000000"},
    )
    assert (wrong.status_code, wrong.json()["error"]) == (400, "sms_code_invalid")


async def test_guide_sees_no_sms_menu_and_is_refused_every_sms_list(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("guide"))
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert [e for e in me["nav"] if e["path"].startswith("/admin/sms/")] == []
    for path in ("modems", "messages", "inbound", "suppressions", "templates", "calls"):
        refused = await client.get(f"/api/v1/sms/{path}", headers=headers)
        assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied"), path
    admin = await bearer(await make_staff("admin"))
    nav = (await client.get("/api/v1/me", headers=admin)).json()["nav"]
    assert [(e["label"], e["path"]) for e in nav if e["group"] == "短信"] == [
        ("短信模块", "/admin/sms/modems"),
        ("短信记录", "/admin/sms/messages"),
        ("收件箱", "/admin/sms/inbox"),
        ("退订名单", "/admin/sms/suppressions"),
        ("短信模板", "/admin/sms/templates"),
        ("来电记录", "/admin/sms/calls"),
    ]


async def test_console_session_disables_and_enables_a_modem_with_its_csrf_token(
    client: httpx.AsyncClient,
):
    admin = await make_staff("admin")
    csrf = await api_session_login(client, admin.username)
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE, rssi=20)
    url = f"/api/v1/sms/modems/{modem.id}"
    no_csrf = await client.patch(url, json={"enabled": False})
    assert (no_csrf.status_code, no_csrf.json()["error"]) == (403, "csrf_failed")
    odd = await client.patch(url, headers={"X-CSRF-Token": csrf}, json={"enabled": "explode"})
    assert (odd.status_code, odd.json()["error"]) == (422, "validation_error")
    assert (await Modem.get(id=modem.id)).enabled is True
    off = await client.patch(url, headers={"X-CSRF-Token": csrf}, json={"enabled": False})
    assert (off.status_code, off.json()["enabled"], off.json()["rssi"]) == (200, False, 20)
    assert (await Modem.get(id=modem.id)).enabled is False
    on = await client.patch(url, headers={"X-CSRF-Token": csrf}, json={"enabled": True})
    assert on.json()["enabled"] is True
    missing = await client.patch(
        "/api/v1/sms/modems/999999", headers={"X-CSRF-Token": csrf}, json={"enabled": False}
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "sms_not_found")


async def test_marketer_may_send_but_not_touch_modems(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("marketer"))
    sent = await client.post(
        "/api/v1/sms/messages", headers=headers, json={"to": "13800138000", "text": "你好"}
    )
    assert sent.status_code == 201
    modem = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    refused = await client.patch(
        f"/api/v1/sms/modems/{modem.id}", headers=headers, json={"enabled": False}
    )
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert (await Modem.get(id=modem.id)).enabled is True


async def test_preview_shows_what_the_gateway_adds_and_sends_nothing(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("marketer"))
    url = "/api/v1/sms/messages/preview"
    notice = await client.post(url, headers=headers, json={"text": " 您的订单已发货 "})
    assert notice.json() == {
        "text": "【示例商城】您的订单已发货",
        "prefix": "【示例商城】",
        "body": "您的订单已发货",
        "suffix": "",
        "kind": "transactional",
        "alphabet": "ucs2",
        "part_count": 1,
        "max_parts": 6,
    }
    marketing = (
        await client.post(url, headers=headers, json={"text": "新品上市" * 17, "kind": "marketing"})
    ).json()
    assert (marketing["suffix"], marketing["part_count"]) == ("回T退订", 2)  # 6 + 68 + 4 > 70
    signed = (await client.post(url, headers=headers, json={"text": "【品牌】回复T退订"})).json()
    assert (signed["prefix"], signed["suffix"], signed["text"]) == ("", "", "【品牌】回复T退订")
    empty = (await client.post(url, headers=headers, json={"text": "  "})).json()
    assert (empty["text"], empty["part_count"]) == ("", 0)
    await client.post(
        "/api/v1/sms/templates",
        headers=await bearer(await make_staff("admin")),
        json={
            "code": "sale",
            "name": "大促",
            "kind": "marketing",
            "body": "{name}您好，{item}五折",
        },
    )
    filled = await client.post(
        url, headers=headers, json={"template_code": "sale", "params": {"name": "王女士"}}
    )
    assert filled.json()["text"] == "【示例商城】王女士您好，{item}五折回T退订"
    assert filled.json()["kind"] == "marketing"
    gone = await client.post(url, headers=headers, json={"template_code": "nope"})
    assert (gone.status_code, gone.json()["error"]) == (404, "sms_not_found")
    guide = await bearer(await make_staff("guide"))
    refused = await client.post(url, headers=guide, json={"text": "x"})
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert await SmsMessage.all().count() == 0


async def test_message_filters_by_purpose_and_creation_time(client: httpx.AsyncClient):
    from datetime import UTC, datetime

    from crm_core import clock

    headers = await bearer(await make_staff("admin"))
    sent = {}
    for day, to in ((19, "13800138000"), (20, "13900000001"), (21, "13700000002")):
        with clock.freeze(datetime(2026, 11, day, 2, 0, tzinfo=UTC)):
            response = await client.post(
                "/api/v1/sms/messages", headers=headers, json={"to": to, "text": "您好"}
            )
            sent[day] = response.json()["id"]
    await SmsMessage.filter(id=sent[21]).update(purpose="verification_code")

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/api/v1/sms/messages?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [m["id"] for m in response.json()["items"]]

    assert await ids("") == [sent[21], sent[20], sent[19]]
    assert await ids("purpose=verification_code") == [sent[21]]
    assert await ids("purpose=transactional") == [sent[20], sent[19]]
    day = "created_from=2026-11-20T00:00:00%2B08:00&created_to=2026-11-21T00:00:00%2B08:00"
    assert await ids(day) == [sent[20]]
    assert await ids("created_from=2026-11-21T00:00:00Z") == [sent[21]]
    naive = await client.get(
        "/api/v1/sms/messages?created_from=2026-11-21T00:00:00", headers=headers
    )
    assert (naive.status_code, naive.json()["error"]) == (422, "validation_error")


async def test_modem_queue_counts_its_unfinished_messages(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    busy = await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    idle = await Modem.create(imsi="460001234567891", state=ModemState.ONLINE)
    for _ in range(3):
        await client.post(
            "/api/v1/sms/messages", headers=headers, json={"to": "13800138000", "text": "您好"}
        )
    first, second, third = await SmsMessage.all().order_by("id")
    await SmsMessage.filter(id__in=[first.id, second.id]).update(modem_id=busy.id)
    await SmsMessage.filter(id=second.id).update(status="sending")
    await SmsMessage.filter(id=third.id).update(modem_id=busy.id, status="sent")
    rows = (await client.get("/api/v1/sms/modems", headers=headers)).json()
    assert {r["id"]: r["queued"] for r in rows} == {busy.id: 2, idle.id: 0}
