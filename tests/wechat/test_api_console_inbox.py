"""The inbox as /api/v1 serves it to the console: conversations, unread counts, the 48-hour
window, member names through the registered lookup, and marking a conversation read."""

from datetime import UTC, datetime, timedelta

import httpx

from crm_core import clock
from crm_core.org.models import Department
from members.models import Member
from tests.factories import bearer, make_staff, make_store
from tests.wechat.callback_support import make_account
from wechat.models import Direction, Fan, FanMessage, MessageStatus

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def message(fan: Fan, direction: Direction, content: str, *, staff_id: int | None = None):
    return await FanMessage.create(
        fan=fan,
        direction=direction,
        msg_type="text",
        content=content,
        staff_id=staff_id,
        status=MessageStatus.SENT if direction == Direction.OUT else MessageStatus.RECEIVED,
        created_at=NOW,
    )


async def world() -> dict[str, object]:
    east = await Department.create(name="华东")
    south = await Department.create(name="华南")
    east_store = await make_store(east, code="E01")
    south_store = await make_store(south, code="S01")
    manager = await make_staff("store_manager", department=east, store=east_store)
    account = await make_account()
    member = await Member.create(name="王女士", phone="+8613800138000", created_at=NOW)
    alice = await Fan.create(
        account=account,
        openid="o_alice",
        nickname="爱丽丝",
        store_id=east_store.id,
        subscribed=True,
        member_id=member.id,
        last_message_at=NOW - timedelta(minutes=5),
        last_interaction_at=NOW - timedelta(hours=1),
    )
    bob = await Fan.create(
        account=account,
        openid="o_bob",
        remark="老客户",
        store_id=east_store.id,
        subscribed=True,
        assigned_staff_id=manager.id,
        last_message_at=NOW - timedelta(hours=2),
        last_interaction_at=NOW - timedelta(hours=50),
    )
    far = await Fan.create(
        account=account,
        openid="o_far",
        store_id=south_store.id,
        subscribed=True,
        last_message_at=NOW,
        last_interaction_at=NOW,
    )
    await message(alice, Direction.IN, "在吗")
    await message(alice, Direction.IN, "想问下营业时间")
    await message(bob, Direction.IN, "谢谢")
    await message(bob, Direction.OUT, "不客气", staff_id=manager.id)
    await message(far, Direction.IN, "你好")
    return {"manager": manager, "alice": alice, "bob": bob, "far": far, "member": member}


async def test_conversations_list_the_fans_in_scope_with_unread_and_window(
    client: httpx.AsyncClient,
):
    people = await world()
    headers = await bearer(people["manager"])  # type: ignore[arg-type]
    with clock.freeze(NOW):
        response = await client.get("/api/v1/wechat/conversations", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 50)
    alice, bob = body["items"]
    assert {k: alice[k] for k in alice if k != "last_message"} == {
        "fan_id": people["alice"].id,  # type: ignore[attr-defined]
        "account_id": people["alice"].account_id,  # type: ignore[attr-defined]
        "openid": "o_alice",
        "nickname": "爱丽丝",
        "remark": "",
        "subscribed": True,
        "member_id": people["member"].id,  # type: ignore[attr-defined]
        "member_name": "王女士",
        "assigned_staff_id": None,
        "last_message_at": "2026-11-20T07:55:00Z",
        "unread_count": 2,
        "waiting": True,
        "window_open": True,
        "window_closes_at": "2026-11-22T07:00:00Z",
    }
    assert (alice["last_message"]["content"], alice["last_message"]["direction"]) == (
        "想问下营业时间",
        "in",
    )
    assert (bob["openid"], bob["unread_count"], bob["waiting"]) == ("o_bob", 1, False)
    assert (bob["window_open"], bob["window_closes_at"]) == (False, "2026-11-20T06:00:00Z")
    assert bob["last_message"]["content"] == "不客气"
    assert bob["assigned_staff_id"] == people["manager"].id  # type: ignore[attr-defined]


async def test_conversations_filter_by_text_and_assignee_and_page(client: httpx.AsyncClient):
    people = await world()
    headers = await bearer(people["manager"])  # type: ignore[arg-type]
    url = "/api/v1/wechat/conversations"

    async def openids(query: str) -> tuple[int, list[str]]:
        body = (await client.get(f"{url}?{query}", headers=headers)).json()
        return body["total"], [row["openid"] for row in body["items"]]

    assert await openids("q=老客") == (1, ["o_bob"])
    assert await openids("q=爱丽") == (1, ["o_alice"])
    assert await openids("q=o_far") == (0, [])
    assert await openids("mine=true") == (1, ["o_bob"])
    assert await openids("page=2&page_size=1") == (2, ["o_bob"])


async def test_marking_read_clears_the_unread_count(client: httpx.AsyncClient):
    people = await world()
    headers = await bearer(people["manager"])  # type: ignore[arg-type]
    alice: Fan = people["alice"]  # type: ignore[assignment]
    response = await client.put(f"/api/v1/wechat/conversations/{alice.id}/read", headers=headers)
    assert response.status_code == 204, response.text
    newest = await FanMessage.filter(fan_id=alice.id, direction=Direction.IN).order_by("-id")
    assert (await Fan.get(id=alice.id)).read_message_id == newest[0].id
    listing = (await client.get("/api/v1/wechat/conversations", headers=headers)).json()
    assert [(r["openid"], r["unread_count"]) for r in listing["items"]] == [
        ("o_alice", 0),
        ("o_bob", 1),
    ]
    await message(alice, Direction.IN, "还在吗")
    listing = (await client.get("/api/v1/wechat/conversations", headers=headers)).json()
    assert listing["items"][0]["unread_count"] == 1


async def test_a_conversation_outside_the_scope_is_not_found_and_stays_unread(
    client: httpx.AsyncClient,
):
    people = await world()
    headers = await bearer(people["manager"])  # type: ignore[arg-type]
    far: Fan = people["far"]  # type: ignore[assignment]
    response = await client.put(f"/api/v1/wechat/conversations/{far.id}/read", headers=headers)
    assert (response.status_code, response.json()["error"]) == (404, "wechat_fan_not_found")
    assert (await Fan.get(id=far.id)).read_message_id is None
    missing = await client.put("/api/v1/wechat/conversations/999999/read", headers=headers)
    assert missing.json() == response.json()
