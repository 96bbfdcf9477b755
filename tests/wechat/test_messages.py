"""Every message and event type of wechat.md §1.4–1.5 parses into its typed form."""

import asyncio

import pytest
import redis.asyncio as aioredis

from wechat.dedupe import cached_reply, claim_delivery, remember_reply
from wechat.messages import (
    ClickEvent,
    ImageMessage,
    InboundMessage,
    LinkMessage,
    LocationEvent,
    LocationMessage,
    MassSendJobFinishEvent,
    ScanEvent,
    SubscribeEvent,
    SubscribeMsgEvent,
    SubscribeMsgItem,
    TemplateSendJobFinishEvent,
    TextMessage,
    UnknownEvent,
    UnsubscribeEvent,
    VideoMessage,
    ViewEvent,
    ViewMiniProgramEvent,
    VoiceMessage,
    dedupe_key,
    parse_message,
)
from wechat.replies import Article, image_reply, news_reply, text_reply
from wechat.xml import parse_xml

HEAD = (
    "<ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime>"
)
COMMON = {"to_user": "gh_abc", "openid": "oUSER", "create_time": 1700000000, "raw": {}}


def message(body: str) -> InboundMessage:
    return parse_message(parse_xml(f"<xml>{HEAD}{body}</xml>"))


def event(body: str) -> InboundMessage:
    return message(f"<MsgType><![CDATA[event]]></MsgType>{body}")


CASES = [
    pytest.param(
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>42</MsgId>",
        TextMessage(**COMMON, msg_type="text", msg_id="42", content="hello"),
        id="text",
    ),
    pytest.param(
        "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl>"
        "<MediaId><![CDATA[m1]]></MediaId><MsgId>1</MsgId>",
        ImageMessage(
            **COMMON, msg_type="image", msg_id="1", pic_url="http://mmbiz.qpic.cn/x", media_id="m1"
        ),
        id="image",
    ),
    pytest.param(
        "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m2]]></MediaId>"
        "<Format><![CDATA[amr]]></Format><MsgId>2</MsgId>",
        VoiceMessage(**COMMON, msg_type="voice", msg_id="2", media_id="m2", format="amr"),
        id="voice",
    ),
    pytest.param(
        "<MsgType><![CDATA[shortvideo]]></MsgType><MediaId><![CDATA[m3]]></MediaId>"
        "<ThumbMediaId><![CDATA[t3]]></ThumbMediaId><MsgId>5</MsgId>",
        VideoMessage(
            **COMMON, msg_type="shortvideo", msg_id="5", media_id="m3", thumb_media_id="t3"
        ),
        id="shortvideo",
    ),
    pytest.param(
        "<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X>"
        "<Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label>"
        "<MsgId>3</MsgId>",
        LocationMessage(
            **COMMON,
            msg_type="location",
            msg_id="3",
            latitude=23.134521,
            longitude=113.358803,
            scale=20,
            label="位置信息",
        ),
        id="location",
    ),
    pytest.param(
        "<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[t]]></Title>"
        "<Description><![CDATA[d]]></Description><Url><![CDATA[https://x]]></Url><MsgId>4</MsgId>",
        LinkMessage(
            **COMMON, msg_type="link", msg_id="4", title="t", description="d", url="https://x"
        ),
        id="link",
    ),
]

EVENT_CASES = [
    pytest.param(
        "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>",
        SubscribeEvent(**COMMON, msg_type="event", event="subscribe"),
        id="subscribe-plain",
    ),
    pytest.param(
        "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_store_42]]></EventKey>"
        "<Ticket><![CDATA[gQH47joAAAAAAAAAASxodHRw]]></Ticket>",
        SubscribeEvent(
            **COMMON,
            msg_type="event",
            event="subscribe",
            event_key="qrscene_store_42",
            scene="store_42",
            ticket="gQH47joAAAAAAAAAASxodHRw",
        ),
        id="subscribe-qrscene",
    ),
    pytest.param(
        "<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[store_42]]></EventKey>"
        "<Ticket><![CDATA[TICKET]]></Ticket>",
        ScanEvent(
            **COMMON,
            msg_type="event",
            event="SCAN",
            event_key="store_42",
            scene="store_42",
            ticket="TICKET",
        ),
        id="scan",
    ),
    pytest.param(
        "<Event><![CDATA[unsubscribe]]></Event><EventKey><![CDATA[]]></EventKey>",
        UnsubscribeEvent(**COMMON, msg_type="event", event="unsubscribe"),
        id="unsubscribe",
    ),
    pytest.param(
        "<Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude>"
        "<Longitude>113.352425</Longitude><Precision>119.385040</Precision>",
        LocationEvent(
            **COMMON,
            msg_type="event",
            event="LOCATION",
            latitude=23.137466,
            longitude=113.352425,
            precision=119.38504,
        ),
        id="location",
    ),
    pytest.param(
        "<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[V1001_MEMBER]]></EventKey>",
        ClickEvent(**COMMON, msg_type="event", event="CLICK", event_key="V1001_MEMBER"),
        id="click",
    ),
    pytest.param(
        "<Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[https://crm.example.com/h5]]></EventKey>"
        "<MenuId>411998734</MenuId>",
        ViewEvent(
            **COMMON,
            msg_type="event",
            event="VIEW",
            event_key="https://crm.example.com/h5",
            url="https://crm.example.com/h5",
            menu_id="411998734",
        ),
        id="view",
    ),
    pytest.param(
        "<Event><![CDATA[view_miniprogram]]></Event><EventKey><![CDATA[pages/index]]></EventKey>"
        "<MenuId>7</MenuId>",
        ViewMiniProgramEvent(
            **COMMON,
            msg_type="event",
            event="view_miniprogram",
            event_key="pages/index",
            page_path="pages/index",
            menu_id="7",
        ),
        id="view-miniprogram",
    ),
    pytest.param(
        "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID>"
        "<Status><![CDATA[failed:user block]]></Status>",
        TemplateSendJobFinishEvent(
            **COMMON,
            msg_type="event",
            event="TEMPLATESENDJOBFINISH",
            msg_id="200163836",
            status="failed:user block",
        ),
        id="template-finish",
    ),
    pytest.param(
        "<Event><![CDATA[MASSSENDJOBFINISH]]></Event><MsgID>1000000003</MsgID>"
        "<Status><![CDATA[send success]]></Status><TotalCount>4</TotalCount>"
        "<FilterCount>3</FilterCount><SentCount>2</SentCount><ErrorCount>1</ErrorCount>"
        "<CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>0</CheckState>"
        "</CopyrightCheckResult>",
        MassSendJobFinishEvent(
            **COMMON,
            msg_type="event",
            event="MASSSENDJOBFINISH",
            msg_id="1000000003",
            status="send success",
            total_count=4,
            filter_count=3,
            sent_count=2,
            error_count=1,
        ),
        id="mass-finish",
    ),
    pytest.param(
        "<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>"
        "<List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]>"
        "</SubscribeStatusString><PopupScene>2</PopupScene></List>"
        "<List><TemplateId><![CDATA[T2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]>"
        "</SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>",
        SubscribeMsgEvent(
            **COMMON,
            msg_type="event",
            event="subscribe_msg_popup_event",
            items=(SubscribeMsgItem("T1", "accept", "2"), SubscribeMsgItem("T2", "reject", "2")),
        ),
        id="subscribe-msg-popup",
    ),
    pytest.param(
        "<Event><![CDATA[subscribe_msg_change_event]]></Event><SubscribeMsgPopupEvent>"
        "<List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[reject]]>"
        "</SubscribeStatusString></List></SubscribeMsgPopupEvent>",
        SubscribeMsgEvent(
            **COMMON,
            msg_type="event",
            event="subscribe_msg_change_event",
            items=(SubscribeMsgItem("T1", "reject"),),
        ),
        id="subscribe-msg-change-doc-bug-spelling",
    ),
    pytest.param(
        "<Event><![CDATA[user_get_card]]></Event><CardId><![CDATA[p1]]></CardId>",
        UnknownEvent(**COMMON, msg_type="event", event="user_get_card"),
        id="card-unknown",
    ),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_user_messages(body: str, expected: InboundMessage) -> None:
    assert message(body) == expected


@pytest.mark.parametrize(("body", "expected"), EVENT_CASES)
def test_events(body: str, expected: InboundMessage) -> None:
    parsed = event(body)
    assert parsed == expected
    assert type(parsed) is type(expected)


def test_raw_fields_are_kept() -> None:
    parsed = event("<Event><![CDATA[user_get_card]]></Event><CardId><![CDATA[p1]]></CardId>")
    assert parsed.raw["CardId"] == "p1"


@pytest.mark.parametrize(
    ("parsed", "key"),
    [
        pytest.param(
            message("<MsgType>text</MsgType><Content>x</Content><MsgId>42</MsgId>"),
            "wx:dedupe:wxA:42",
            id="message-msgid",
        ),
        pytest.param(
            event("<Event>subscribe</Event><EventKey>qrscene_s1</EventKey>"),
            "wx:dedupe:wxA:oUSER:1700000000:subscribe:qrscene_s1",
            id="event",
        ),
        pytest.param(
            event("<Event>CLICK</Event><EventKey>K2</EventKey>"),
            "wx:dedupe:wxA:oUSER:1700000000:CLICK:K2",
            id="same-second-other-event",
        ),
        pytest.param(
            event("<Event>TEMPLATESENDJOBFINISH</Event><MsgID>9</MsgID><Status>s</Status>"),
            "wx:dedupe:wxA:TEMPLATESENDJOBFINISH:9",
            id="job-finish-msgid",
        ),
    ],
)
def test_dedupe_keys(parsed: InboundMessage, key: str) -> None:
    assert dedupe_key("wxA", parsed) == key


def test_replies_render_exact_xml() -> None:
    assert text_reply(openid="oU", account="gh", create_time=7, content="a]]>b") == (
        "<xml><ToUserName><![CDATA[oU]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName>"
        "<CreateTime>7</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>"
    )
    assert (
        parse_xml(text_reply(openid="oU", account="gh", create_time=7, content="a]]>b"))["Content"]
        == "a]]>b"
    )
    image = parse_xml(image_reply(openid="oU", account="gh", create_time=7, media_id="M1"))
    assert (image["MsgType"], image["Image"]) == ("image", {"MediaId": "M1"})
    news = parse_xml(
        news_reply(
            openid="oU",
            account="gh",
            create_time=7,
            article=Article("会员中心", "点击进入", "https://h5/x", "https://p"),
        )
    )
    assert news["ArticleCount"] == "1"
    assert news["Articles"]["item"] == {
        "Title": "会员中心",
        "Description": "点击进入",
        "PicUrl": "https://p",
        "Url": "https://h5/x",
    }


async def test_dedupe_claim_is_atomic_and_reply_cached() -> None:
    redis = aioredis.Redis(db=15)
    await redis.flushdb()
    try:
        key = "wx:dedupe:wxA:42"
        claims = await asyncio.gather(*(claim_delivery(redis, key) for _ in range(20)))
        assert claims.count(True) == 1
        assert await cached_reply(redis, key) is None
        await remember_reply(redis, key, "<xml>r</xml>")
        assert await cached_reply(redis, key) == "<xml>r</xml>"
        assert 590 < await redis.ttl(key) <= 600
    finally:
        await redis.flushdb()
        await redis.aclose()
