"""The SMS console pages' data over /api/v1/sms: search and paging, the caller-ID poll with
the card the members layer registers, modem throughput, filters of the small lists.

(tests/sms_gateway/ runs without a database; API tests live here.)"""

from datetime import UTC, datetime, timedelta

import httpx

from crm_core import clock
from members.models import Member
from sms_gateway.models import MessageKind, Modem, ModemState, SmsCall, SmsInbound, SmsTemplate
from sms_gateway.service import suppression
from tests.factories import bearer, make_staff

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def test_inbound_pages_newest_first_with_search_and_filters(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    for sender, text, opt_out in (
        ("+8613800138000", "收到，谢谢", False),
        ("+8613900000001", "T", True),
        ("+8613800138000", "什么时候发货", False),
    ):
        await SmsInbound.create(sender=sender, text=text, received_at=NOW, opt_out=opt_out)

    async def texts(query: str) -> tuple[int, list[str]]:
        response = await client.get(f"/api/v1/sms/inbound?{query}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        return body["total"], [row["text"] for row in body["items"]]

    assert await texts("") == (3, ["什么时候发货", "T", "收到，谢谢"])
    assert await texts("q=发货") == (1, ["什么时候发货"])
    assert await texts("q=13800138000") == (2, ["什么时候发货", "收到，谢谢"])
    assert await texts("sender=13900000001") == (1, ["T"])
    assert await texts("opt_out=true") == (1, ["T"])
    assert await texts("page=2&page_size=2") == (3, ["收到，谢谢"])


async def test_calls_page_newest_first_with_the_caller_card(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    await Member.create(name="王女士", phone="+8613800138000", card_no="8800042", created_at=NOW)
    first = await SmsCall.create(number="+8613800138000", started_at=NOW, last_ring_at=NOW)
    later = NOW + timedelta(minutes=3)
    second = await SmsCall.create(number="+8613912345678", started_at=later, last_ring_at=later)
    response = await client.get("/api/v1/sms/calls", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], [c["id"] for c in body["items"]]) == (2, [second.id, first.id])
    stranger, known = body["items"]
    assert (stranger["caller"]["known"], stranger["caller"]["title"]) == (False, "陌生来电")
    assert known["caller"]["known"] is True
    fields = {f["label"]: f["value"] for f in known["caller"]["sections"][0]["fields"]}
    assert (fields["会员"], fields["会员卡号"]) == ("王女士", "8800042")
    searched = (await client.get("/api/v1/sms/calls?q=139", headers=headers)).json()
    assert [c["id"] for c in searched["items"]] == [second.id]
    after = (await client.get(f"/api/v1/sms/calls?after={first.id}", headers=headers)).json()
    assert [c["id"] for c in after["items"]] == [second.id]


async def test_call_poll_answers_the_latest_id_then_the_newer_calls(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("service_agent"))
    opened = await client.get("/api/v1/sms/calls/poll", headers=headers)
    assert opened.json() == {"latest": 0, "calls": []}
    call = await SmsCall.create(number="+8613912345678", started_at=NOW, last_ring_at=NOW)
    polled = (await client.get("/api/v1/sms/calls/poll?after=0", headers=headers)).json()
    assert polled["latest"] == call.id
    assert [(c["number"], c["rings"], c["caller"]["title"]) for c in polled["calls"]] == [
        ("+8613912345678", 1, "陌生来电")
    ]
    again = (await client.get(f"/api/v1/sms/calls/poll?after={call.id}", headers=headers)).json()
    assert again == {"latest": call.id, "calls": []}
    reopened = (await client.get("/api/v1/sms/calls/poll?after=-1", headers=headers)).json()
    assert reopened == {"latest": call.id, "calls": []}
    guide = await bearer(await make_staff("guide"))
    refused = await client.get("/api/v1/sms/calls/poll", headers=guide)
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")


async def test_message_search_finds_phone_and_text(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    for to, text in (("13800138000", "您的订单已发货"), ("13900000001", "会员日提醒")):
        sent = await client.post(
            "/api/v1/sms/messages", headers=headers, json={"to": to, "text": text}
        )
        assert sent.status_code == 201, sent.text

    async def recipients(query: str) -> tuple[int, list[str]]:
        body = (await client.get(f"/api/v1/sms/messages?{query}", headers=headers)).json()
        return body["total"], [m["recipient"] for m in body["items"]]

    assert await recipients("q=发货") == (1, ["+8613800138000"])
    assert await recipients("q=1390000") == (1, ["+8613900000001"])
    assert await recipients("q=退款") == (0, [])


async def test_modems_show_parts_per_minute(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    await Modem.create(imsi="460001234567890", state=ModemState.ONLINE)
    (modem,) = (await client.get("/api/v1/sms/modems", headers=headers)).json()
    assert (modem["parts_last_10_minutes"], modem["parts_per_minute"]) == (0, 0.0)


async def test_templates_and_suppressions_search(client: httpx.AsyncClient):
    headers = await bearer(await make_staff("admin"))
    for code, name, kind, body, enabled in (
        ("shipped", "发货通知", MessageKind.TRANSACTIONAL, "订单{order}已发货", True),
        ("sale", "会员日", MessageKind.MARKETING, "全场八折", True),
        ("old_sale", "旧活动", MessageKind.MARKETING, "清仓", False),
    ):
        await SmsTemplate.create(
            code=code, name=name, kind=kind, body=body, enabled=enabled, updated_at=clock.utc_now()
        )

    async def codes(query: str) -> list[str]:
        rows = (await client.get(f"/api/v1/sms/templates?{query}", headers=headers)).json()
        return [row["code"] for row in rows]

    assert await codes("q=发货") == ["shipped"]
    assert await codes("kind=marketing") == ["old_sale", "sale"]
    assert await codes("kind=marketing&enabled=true") == ["sale"]
    assert await codes("q=八折") == ["sale"]
    await suppression.suppress("13800138000", reason="投诉", source="staff:1")
    await suppression.suppress("13900000001", reason="短信回复“T”", source="reply")

    async def phones(query: str) -> list[str]:
        rows = (await client.get(f"/api/v1/sms/suppressions?{query}", headers=headers)).json()
        return [row["phone"] for row in rows]

    assert await phones("q=投诉") == ["+8613800138000"]
    assert await phones("q=1390") == ["+8613900000001"]
    assert await phones("q=无") == []
