"""End to end with real processes (sandbox phone, web, Celery worker): a follower is told about
the follow gift, the menu's 附近门店 and 联系客服 answer, and the inbox shows the member's name."""

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from loyalty.gifts.models import FollowGift
from members.models import Member
from tests.e2e.conftest import eventually, make_demo_account, member_card_stack
from tests.factories import bearer, make_staff, make_store
from tests.wechat.callback_support import make_shop
from wechat.models import Fan, FanMessage
from wechat.sandbox.__main__ import DEMO_APP

pytestmark = pytest.mark.e2e
GIFT_TEXT = "感谢关注，已赠送 50 积分"


@pytest.fixture
def stack(booted: object) -> Iterator[dict[str, str]]:
    with member_card_stack("service-menu", imsi="460001234560003", seed=3, worker=True) as urls:
        yield urls


async def _custom_texts(http: httpx.AsyncClient, sandbox: str, openid: str) -> list[str]:
    feed = await http.get(f"{sandbox}/sandbox/api/feed", params={"openid": openid})
    return [
        e["payload"]["text"]["content"]
        for e in feed.json()["entries"]
        if e["kind"] == "custom" and e["payload"].get("msgtype") == "text"
    ]


async def _tap(http: httpx.AsyncClient, sandbox: str, openid: str, key: str) -> Any:
    button = {"type": "click", "name": key, "key": key}
    tapped = await http.post(
        f"{sandbox}/sandbox/api/act", json={"openid": openid, "action": "menu", "button": button}
    )
    return tapped.json()["reply_parsed"]["Content"]


async def test_gift_message_menu_answers_and_inbox_name(stack: dict[str, str]) -> None:
    shop = await make_shop()
    shop.store.province, shop.store.city, shop.store.district = "上海市", "上海市", "静安区"
    shop.store.address, shop.store.phone = "南京西路 1266 号", "021-60000001"
    await shop.store.save()
    await make_store(
        shop.store.department,
        code="SZ001",
        name="深圳万象城店",
        province="广东省",
        city="深圳市",
        district="罗湖区",
        address="宝安南路 1881 号",
    )
    await make_demo_account()
    await FollowGift.create(name="关注送 50 积分", points=50)
    sandbox = stack["sandbox"]
    async with httpx.AsyncClient(timeout=15) as http:
        user = (
            await http.post(
                f"{sandbox}/sandbox/api/users",
                json={"appid": DEMO_APP["appid"], "nickname": "王小二"},
            )
        ).json()
        openid = user["openid"]
        followed = await http.post(
            f"{sandbox}/sandbox/api/act", json={"openid": openid, "action": "follow"}
        )
        assert followed.json()["user_visible_error"] is False
        # The worker grants the gift, then sends the customer-service message to the phone.
        assert await eventually(lambda: _custom_texts(http, sandbox, openid)) == [GIFT_TEXT]
        sent = await FanMessage.get(content=GIFT_TEXT)
        assert (sent.direction, sent.status, sent.staff_id) == ("out", "sent", None)

        sh = "上海南京西路店\n地址：上海市静安区南京西路 1266 号\n电话：021-60000001"
        sz = "深圳万象城店\n地址：广东省深圳市罗湖区宝安南路 1881 号"
        assert await _tap(http, sandbox, openid, "STORES") == (
            f"我们的门店：\n1. {sh}\n2. {sz}\n发送您的位置，可查看离您最近的门店。"
        )
        # The phone sends its location; once stored, the same button puts Shenzhen first.
        location = {"action": "location", "label": "广东省深圳市罗湖区深南东路 5016 号"}
        await http.post(f"{sandbox}/sandbox/api/act", json={"openid": openid, **location})
        await eventually(lambda: FanMessage.get_or_none(msg_type="location"))
        # A second tap of one button within the same second is WeChat's redelivery of the
        # first (dedupe key: openid, CreateTime, event, key) and gets the first reply again.
        await asyncio.sleep(1.1)
        assert await _tap(http, sandbox, openid, "STORES") == f"离您最近的门店：\n1. {sz}\n2. {sh}"
        assert await _tap(http, sandbox, openid, "SERVICE") == (
            "已为您转接人工客服，请直接发送您的问题，客服看到后会尽快回复您。"
        )
        fan = await eventually(lambda: Fan.get_or_none(openid=openid, member_id__not_isnull=True))
        await eventually(lambda: FanMessage.get_or_none(fan_id=fan.id, msg_type="event"))
        await Member.filter(id=fan.member_id).update(name="王女士")

    headers = await bearer(await make_staff("admin", username="boss"))
    async with httpx.AsyncClient(base_url=stack["web"], timeout=15) as console:
        inbox = (await console.get("/api/v1/wechat/conversations", headers=headers)).json()
    (row,) = [c for c in inbox["items"] if c["openid"] == openid]
    assert (row["member_name"], row["waiting"]) == ("王女士", True)
