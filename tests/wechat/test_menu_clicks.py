"""The menu buttons the channel answers itself (附近门店, 联系客服) and the inbox they lead to."""

import time

import httpx

from crm_core import clock, jobs
from crm_core.org.models import StoreStatus
from members.models import Member
from tests.factories import bearer, make_department, make_staff, make_store
from tests.wechat.callback_support import event_xml, make_account, post, text_xml
from wechat import tasks as wechat_tasks
from wechat.models import Fan, FanMessage
from wechat.replies import cdata
from wechat.xml import parse_xml

STORE_LIST = (
    "我们的门店：\n"
    "1. 杭州湖滨银泰店\n地址：浙江省杭州市上城区东坡路 7 号\n电话：0571-1111\n"
    "2. 上海南京西路店\n地址：上海市静安区南京西路 1266 号\n电话：021-2222\n"
    "3. 深圳万象城店\n地址：广东省深圳市罗湖区宝安南路 1881 号\n"
    "发送您的位置，可查看离您最近的门店。"
)


async def _stores() -> None:
    region = await make_department()
    rows = (
        ("HZ001", "杭州湖滨银泰店", "浙江省", "杭州市", "上城区", "东坡路 7 号", "0571-1111"),
        ("SH001", "上海南京西路店", "上海市", "上海市", "静安区", "南京西路 1266 号", "021-2222"),
        ("SZ001", "深圳万象城店", "广东省", "深圳市", "罗湖区", "宝安南路 1881 号", ""),
    )
    for code, name, province, city, district, address, phone in rows:
        await make_store(
            region,
            code=code,
            name=name,
            province=province,
            city=city,
            district=district,
            address=address,
            phone=phone,
        )
    await make_store(region, code="BJ001", name="北京筹备店", status=StoreStatus.PREPARING)


async def _drain(published: list[jobs.Job]) -> None:
    for job in [j for j in published if j.name == "wechat.process_events"]:
        await wechat_tasks.process_events(**job.kwargs)
    published.clear()


def _content(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(parse_xml(response.text)["Content"])


def _location_xml(openid: str, label: str, msg_id: int) -> str:
    return (
        f"<xml><ToUserName>{cdata('gh_test')}</ToUserName>"
        f"<FromUserName>{cdata(openid)}</FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType>{cdata('location')}</MsgType><Location_X>31.2304</Location_X>"
        f"<Location_Y>121.4737</Location_Y><Scale>15</Scale><Label>{cdata(label)}</Label>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


async def test_stores_button_lists_the_open_stores(client: httpx.AsyncClient) -> None:
    await _stores()
    await make_account()
    reply = await post(client, event_xml("o_near", "CLICK", key="STORES"))
    assert _content(reply) == STORE_LIST


async def test_stores_button_puts_the_stores_near_the_sent_location_first(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    await _stores()
    await make_account()
    await post(client, _location_xml("o_near", "深圳市罗湖区深南东路 5016 号", 501))
    await _drain(published_jobs)
    reply = await post(client, event_xml("o_near", "CLICK", key="STORES"))
    assert _content(reply) == (
        "离您最近的门店：\n"
        "1. 深圳万象城店\n地址：广东省深圳市罗湖区宝安南路 1881 号\n"
        "2. 杭州湖滨银泰店\n地址：浙江省杭州市上城区东坡路 7 号\n电话：0571-1111\n"
        "3. 上海南京西路店\n地址：上海市静安区南京西路 1266 号\n电话：021-2222"
    )


async def test_an_unknown_click_key_gets_no_reply(client: httpx.AsyncClient) -> None:
    await make_account()
    reply = await post(client, event_xml("o_near", "CLICK", key="PROMO"))
    assert (reply.status_code, reply.text) == (200, "success")


async def test_service_button_hands_the_fan_to_the_inbox(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    await make_account()
    await post(client, event_xml("o_help", "subscribe", create_time=int(time.time()) - 60))
    reply = await post(client, event_xml("o_help", "CLICK", key="SERVICE"))
    assert _content(reply) == "已为您转接人工客服，请直接发送您的问题，客服看到后会尽快回复您。"
    await _drain(published_jobs)
    fan = await Fan.get(openid="o_help")
    conversation = (
        await FanMessage.filter(fan_id=fan.id)
        .order_by("id")
        .values_list("direction", "msg_type", "content", "staff_id")
    )
    assert conversation == [
        ("in", "event", "点击菜单「联系客服」", None),
        (
            "out",
            "passive_text",
            "已为您转接人工客服，请直接发送您的问题，客服看到后会尽快回复您。",
            None,
        ),
    ]
    headers = await bearer(await make_staff("admin", username="boss"))
    (row,) = (await client.get("/api/v1/wechat/conversations", headers=headers)).json()["items"]
    assert (row["openid"], row["waiting"]) == ("o_help", True)
    answered = await client.post(
        f"/api/v1/wechat/fans/{fan.id}/messages", json={"content": "您好，请讲"}, headers=headers
    )
    assert answered.status_code == 202, answered.text
    (row,) = (await client.get("/api/v1/wechat/conversations", headers=headers)).json()["items"]
    assert row["waiting"] is False


async def test_inbox_and_fan_pages_show_the_linked_members_name(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    await make_account()
    await post(client, text_xml("o_named", "在吗", 601))
    await post(client, text_xml("o_anon", "你好", 602))
    await _drain(published_jobs)
    member = await Member.create(name="王女士", first_channel="test", created_at=clock.utc_now())
    await Fan.filter(openid="o_named").update(member_id=member.id)
    headers = await bearer(await make_staff("admin", username="boss"))
    inbox = (await client.get("/api/v1/wechat/conversations", headers=headers)).json()["items"]
    assert sorted((c["openid"], c["member_name"]) for c in inbox) == [
        ("o_anon", ""),
        ("o_named", "王女士"),
    ]
    fan = await Fan.get(openid="o_named")
    detail = await client.get(f"/api/v1/wechat/fans/{fan.id}", headers=headers)
    assert detail.json()["member_name"] == "王女士"
    listed = (await client.get("/api/v1/wechat/fans", headers=headers)).json()
    assert sorted((f["openid"], f["member_name"]) for f in listed) == [
        ("o_anon", ""),
        ("o_named", "王女士"),
    ]
