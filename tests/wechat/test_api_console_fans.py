"""The fan list, fan header and portrait as /api/v1 serves them to the console."""

from datetime import UTC, datetime, timedelta

import httpx

from crm_core import clock
from crm_core.org.models import Department
from members.models import Member
from tests.factories import bearer, make_staff, make_store
from tests.wechat.callback_support import make_account
from wechat.models import Fan, FanTag, QrCode, QrKind

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai


async def world() -> dict[str, object]:
    east = await Department.create(name="华东")
    south = await Department.create(name="华南")
    east_store = await make_store(east, code="E01", name="南京西路店")
    south_store = await make_store(south, code="S01", name="天河店")
    manager = await make_staff("store_manager", department=east, store=east_store)
    guide = await make_staff("guide", department=east, store=east_store, is_guide=True)
    await guide.__class__.filter(id=guide.id).update(name="小李")
    account = await make_account()
    code = await QrCode.create(
        account=account,
        kind=QrKind.GUIDE,
        name="小李的码",
        scene="g_li",
        store_id=east_store.id,
        guide_id=guide.id,
    )
    member = await Member.create(name="王女士", phone="+8613800138000", created_at=NOW)
    rows = [
        # openid, store, guide, channel, province, city, first follow, subscribed, member, qr
        ("o_alice", east_store.id, guide.id, "", "上海", "上海", NOW, True, member.id, code.id),
        ("o_bob", east_store.id, None, "地推", "江苏", "南京", NOW - timedelta(days=2), False),
        ("o_carol", east_store.id, None, "", "上海", "上海", NOW - timedelta(days=30), True),
        ("o_far", south_store.id, None, "", "广东", "广州", NOW, True),
    ]
    fans = {}
    for openid, store_id, guide_id, channel, province, city, first, subscribed, *rest in rows:
        fans[openid] = await Fan.create(
            account=account,
            openid=openid,
            nickname=openid.removeprefix("o_"),
            store_id=store_id,
            guide_id=guide_id,
            channel=channel,
            province=province,
            city=city,
            first_subscribed_at=first,
            subscribed=subscribed,
            member_id=rest[0] if rest else None,
            first_qrcode_id=rest[1] if rest else None,
            last_interaction_at=NOW - timedelta(hours=1),
        )
    vip = await FanTag.create(account=account, name="VIP")
    await fans["o_alice"].tags.add(vip)
    return {"manager": manager, "guide": guide, "store": east_store, "fans": fans, "code": code}


async def test_fan_list_filters_searches_sorts_and_counts(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["manager"])  # type: ignore[arg-type]

    async def listing(query: str) -> tuple[str, list[str]]:
        response = await client.get(f"/api/v1/wechat/fans?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return response.headers["X-Total-Count"], [f["openid"] for f in response.json()]

    assert await listing("") == ("3", ["o_carol", "o_bob", "o_alice"])
    assert await listing("q=ali") == ("1", ["o_alice"])
    assert await listing("region=南京") == ("1", ["o_bob"])
    assert await listing("since=2026-11-18&until=2026-11-19") == ("1", ["o_bob"])
    assert await listing("subscribed=false") == ("1", ["o_bob"])
    assert await listing("sort=first_subscribed_at") == ("3", ["o_carol", "o_bob", "o_alice"])
    assert await listing("sort=-first_subscribed_at&page_size=2&page=2") == ("3", ["o_carol"])
    assert await listing("q=o_far") == ("0", [])
    bad = await client.get("/api/v1/wechat/fans?sort=openid", headers=headers)
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_error")


async def test_fan_rows_carry_store_guide_and_member_names(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["manager"])  # type: ignore[arg-type]
    (alice,) = (await client.get("/api/v1/wechat/fans?q=alice", headers=headers)).json()
    assert (alice["store_name"], alice["guide_name"], alice["member_name"]) == (
        "南京西路店",
        "小李",
        "王女士",
    )


async def test_fan_detail_has_tags_names_and_the_window(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["manager"])  # type: ignore[arg-type]
    fans: dict[str, Fan] = data["fans"]  # type: ignore[assignment]
    with clock.freeze(NOW):
        response = await client.get(f"/api/v1/wechat/fans/{fans['o_alice'].id}", headers=headers)
    body = response.json()
    assert response.status_code == 200, response.text
    assert (body["tags"], body["window_open"], body["window_closes_at"]) == (
        ["VIP"],
        True,
        "2026-11-22T07:00:00Z",
    )
    assert (body["member_name"], body["store_name"], body["openid"]) == (
        "王女士",
        "南京西路店",
        "o_alice",
    )
    hidden = await client.get(f"/api/v1/wechat/fans/{fans['o_far'].id}", headers=headers)
    assert (hidden.status_code, hidden.json()["error"]) == (404, "wechat_fan_not_found")


async def test_portrait_series_count_only_the_fans_in_scope(client: httpx.AsyncClient):
    data = await world()
    headers = await bearer(data["manager"])  # type: ignore[arg-type]
    with clock.freeze(NOW):
        response = await client.get("/api/v1/wechat/portrait?days=3", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["subscribed"]) == (3, 2)
    assert body["channel"] == [
        {"label": "门店/导购", "count": 2},
        {"label": "地推", "count": 1},
    ]
    assert body["qrcode"] == [
        {"label": "未扫码关注", "count": 2},
        {"label": "小李的码", "count": 1},
    ]
    assert body["store"] == [{"label": "南京西路店", "count": 3}]
    assert body["guide"] == [{"label": "小李", "count": 1}]
    assert body["province"] == [{"label": "上海", "count": 2}, {"label": "江苏", "count": 1}]
    assert body["city"] == [{"label": "上海", "count": 2}, {"label": "南京", "count": 1}]
    assert body["trend"] == [
        {"day": "2026-11-18", "count": 1},
        {"day": "2026-11-19", "count": 0},
        {"day": "2026-11-20", "count": 1},
    ]
