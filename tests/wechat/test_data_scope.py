"""Data scope in the WeChat channel. Fans: stores of my departments plus fans assigned to my
departments' staff; "own" is my own store, my guide codes, the stores I manage and the fans
assigned to me (crm_core/org/scope.py).
Accounts, auto-replies and menus are brand-level: the function permission alone decides."""

import httpx

from crm_core import clock
from crm_core.org.models import Department, Role, Staff
from members.models import Member
from tests.factories import bearer, make_staff, make_store
from tests.wechat.callback_support import make_account
from wechat.models import AutoReply, Fan, ReplyKind


async def visible(client: httpx.AsyncClient, staff: Staff) -> set[str]:
    response = await client.get("/api/v1/wechat/fans", headers=await bearer(staff))
    assert response.status_code == 200, response.text
    return {fan["openid"] for fan in response.json()}


async def world() -> dict[str, Staff]:
    root = await Department.create(name="总部")
    east = await Department.create(name="华东", parent=root)
    south = await Department.create(name="华南", parent=root)
    desk = await Department.create(name="客服部", parent=root)
    east_store = await make_store(east, code="E01")
    south_store = await make_store(south, code="S01")
    people = {
        "agent": await make_staff("service_agent", department=desk),
        "desk_colleague": await make_staff("service_agent", department=desk),
        "guide": await make_staff("guide", department=east, store=east_store, is_guide=True),
        "manager": await make_staff("store_manager", department=east, store=east_store),
        "marketer": await make_staff("marketer", department=root),
        "south_guide": await make_staff(
            "guide", department=south, store=south_store, is_guide=True
        ),
    }
    account = await make_account()
    now = clock.utc_now()
    fans = {
        "east_store": (east_store.id, None, None),
        "east_guide_code": (east_store.id, people["guide"].id, None),
        "south_store": (south_store.id, None, None),
        "to_agent": (None, None, people["agent"].id),
        "south_to_agent": (south_store.id, None, people["agent"].id),
        "to_desk_colleague": (None, None, people["desk_colleague"].id),
        "south_to_east_guide": (south_store.id, None, people["guide"].id),
        "nobody": (None, None, None),
    }
    for openid, (store_id, guide_id, assigned) in fans.items():
        await Fan.create(
            account=account,
            openid=openid,
            store_id=store_id,
            guide_id=guide_id,
            assigned_staff_id=assigned,
            subscribed=True,
            last_message_at=now,
            last_interaction_at=now,
        )
    return people


async def test_each_scope_sees_its_fans(client: httpx.AsyncClient):
    people = await world()
    assert await visible(client, people["agent"]) == {
        "to_agent",
        "south_to_agent",
        "to_desk_colleague",
    }
    # "own": the guide's own store, their codes and the fans assigned to them.
    assert await visible(client, people["guide"]) == {
        "east_store",
        "east_guide_code",
        "south_to_east_guide",
    }
    assert await visible(client, people["manager"]) == {
        "east_store",
        "east_guide_code",
        "south_to_east_guide",
    }
    assert await visible(client, people["south_guide"]) == {
        "south_store",
        "south_to_agent",
        "south_to_east_guide",
    }
    assert await visible(client, people["marketer"]) == {
        "east_store",
        "east_guide_code",
        "south_store",
        "to_agent",
        "south_to_agent",
        "to_desk_colleague",
        "south_to_east_guide",
        "nobody",
    }


async def test_service_agent_outside_stores_works_the_fans_assigned_to_them(
    client: httpx.AsyncClient, published_jobs
):
    people = await world()
    headers = await bearer(people["agent"])
    mine = await Fan.get(openid="south_to_agent")
    other = await Fan.get(openid="south_store")
    shown = await client.get(f"/api/v1/wechat/fans/{mine.id}", headers=headers)
    assert (shown.status_code, shown.json()["openid"]) == (200, "south_to_agent")
    hidden = await client.get(f"/api/v1/wechat/fans/{other.id}", headers=headers)
    assert (hidden.status_code, hidden.json()["error"]) == (404, "wechat_fan_not_found")
    sent = await client.post(
        f"/api/v1/wechat/fans/{mine.id}/messages",
        headers=headers,
        json={"content": "您好，我是客服小王"},
    )
    assert sent.status_code == 202, sent.text
    refused = await client.post(
        f"/api/v1/wechat/fans/{other.id}/messages", headers=headers, json={"content": "您好"}
    )
    assert refused.status_code == 404
    assert [j.name for j in published_jobs] == ["wechat.send_reply"]


async def test_unassigning_takes_the_fan_out_of_the_agents_scope(client: httpx.AsyncClient):
    people = await world()
    admin = await make_staff("admin")
    fan = await Fan.get(openid="south_store")
    assign = await client.put(
        f"/api/v1/wechat/fans/{fan.id}/assignee",
        headers=await bearer(admin),
        json={"staff_id": people["agent"].id},
    )
    assert assign.status_code == 204
    assert "south_store" in await visible(client, people["agent"])
    assert "south_store" in await visible(client, people["desk_colleague"])
    await client.put(
        f"/api/v1/wechat/fans/{fan.id}/assignee",
        headers=await bearer(admin),
        json={"staff_id": None},
    )
    assert "south_store" not in await visible(client, people["agent"])


async def test_auto_replies_are_brand_level_whatever_the_data_scope(client: httpx.AsyncClient):
    account = await make_account()
    rule = await AutoReply.create(
        account=account, kind=ReplyKind.KEYWORD, keyword="营业时间", content="10:00-22:00"
    )
    role = await Role.create(
        code="reply_editor",
        name="回复编辑",
        data_scope="own",
        permissions=["wechat.autoreply:view", "wechat.autoreply:edit"],
    )
    editor = await make_staff(None, department=await Department.create(name="品牌部"))
    await editor.roles.add(role)
    headers = await bearer(editor)
    listing = await client.get("/api/v1/wechat/auto-replies", headers=headers)
    assert [r["keyword"] for r in listing.json()] == ["营业时间"]
    changed = await client.patch(
        f"/api/v1/wechat/auto-replies/{rule.id}", headers=headers, json={"content": "10:00-21:30"}
    )
    assert changed.status_code == 200, changed.text
    assert (await AutoReply.get(id=rule.id)).content == "10:00-21:30"
    refused = await client.delete(f"/api/v1/wechat/auto-replies/{rule.id}", headers=headers)
    assert (refused.status_code, refused.json()["error"]) == (403, "permission_denied")
    assert await AutoReply.filter(id=rule.id).exists()


async def test_the_member_behind_an_assigned_fan_is_visible_too(client: httpx.AsyncClient):
    people = await world()
    served = await Member.create(name="被服务的会员", created_at=clock.utc_now())
    stranger = await Member.create(name="别家的会员", created_at=clock.utc_now())
    await Fan.filter(openid="to_agent").update(member_id=served.id)
    await Fan.filter(openid="south_store").update(member_id=stranger.id)
    headers = await bearer(people["agent"])
    listed = await client.get("/api/v1/members", headers=headers)
    assert [m["name"] for m in listed.json()] == ["被服务的会员"]
    assert (await client.get(f"/api/v1/members/{served.id}", headers=headers)).status_code == 200
    assert (await client.get(f"/api/v1/members/{stranger.id}", headers=headers)).status_code == 404
    await Fan.filter(openid="to_agent").update(assigned_staff_id=None)
    assert (await client.get(f"/api/v1/members/{served.id}", headers=headers)).status_code == 404
