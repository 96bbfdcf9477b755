"""From a scan to the follow gift: wechat → members → loyalty, through the named jobs."""

import httpx
import pytest

from crm_core import jobs
from loyalty import tasks as loyalty_tasks
from loyalty.coupons.models import CouponKind, CouponTemplate
from loyalty.gifts.models import FollowGift, FollowGiftGrant
from loyalty.gifts.service import gift_message
from loyalty.points.models import PointsEntry
from members import tasks as member_tasks
from members.models import Member
from tests.wechat.callback_support import event_xml, make_account, make_shop, post
from wechat import tasks as wechat_tasks
from wechat.models import FanMessage, QrCode, QrKind


async def _drain(published: list[jobs.Job], others: list[str] | None = None) -> list[str]:
    ran = []
    handlers = {
        "wechat.process_events": wechat_tasks.process_events,
        "members.on_fan_subscribed": member_tasks.on_fan_subscribed,
        "loyalty.grant_follow_gift": loyalty_tasks.grant_follow_gift,
    }
    while published:
        job = published.pop(0)
        if job.name in handlers:
            await handlers[job.name](**job.kwargs)
            ran.append(job.name)
        elif others is not None:
            others.append(job.name)
    return ran


async def test_a_follow_through_a_guide_code_grants_the_gift_once_ever(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    shop = await make_shop()
    account = await make_account()
    code = await QrCode.create(
        account=account,
        kind=QrKind.GUIDE,
        name="导购码",
        scene="g1",
        store_id=shop.store.id,
        guide_id=shop.guide.id,
    )
    await FollowGift.create(name="关注送 50 积分", qrcode_id=code.id, points=50)
    await post(client, event_xml("o_gift", "subscribe", key="qrscene_g1", create_time=1000))
    ran = await _drain(published_jobs)
    assert ran == [
        "wechat.process_events",
        "members.on_fan_subscribed",
        "loyalty.grant_follow_gift",
    ]
    member = await Member.get()
    deltas = await PointsEntry.filter(account__member_id=member.id).values_list("delta", flat=True)
    assert deltas == [50]
    # Unfollow and follow again: a re-follow is not a new fan and earns nothing more.
    await post(client, event_xml("o_gift", "unsubscribe", create_time=1001))
    await post(client, event_xml("o_gift", "subscribe", key="qrscene_g1", create_time=1002))
    await _drain(published_jobs)
    assert await FollowGiftGrant.all().count() == 1
    assert await PointsEntry.filter(account__member_id=member.id).count() == 1


async def test_the_fan_is_told_about_the_gift_once(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    await make_account()
    template = await CouponTemplate.create(
        name="新人满199减30", kind=CouponKind.AMOUNT_OFF, amount_off_fen=3000, valid_days=30
    )
    await FollowGift.create(name="关注有礼", points=50, coupon_template_id=template.id)
    await post(client, event_xml("o_told", "subscribe", create_time=1000))
    others: list[str] = []
    assert await _drain(published_jobs, others) == [
        "wechat.process_events",
        "members.on_fan_subscribed",
        "loyalty.grant_follow_gift",
    ]
    told = await FanMessage.filter(direction="out").values_list("content", "status", "staff_id")
    assert told == [("感谢关注，已赠送 50 积分和一张「新人满199减30」优惠券", "pending", None)]
    assert [name for name in others if name == "wechat.send_reply"] == ["wechat.send_reply"]
    await post(client, event_xml("o_told", "unsubscribe", create_time=1001))
    await post(client, event_xml("o_told", "subscribe", create_time=1002))
    await _drain(published_jobs)
    assert await FanMessage.filter(direction="out").count() == 1


@pytest.mark.parametrize(
    ("points", "coupon", "text"),
    [
        pytest.param(50, "", "感谢关注，已赠送 50 积分", id="points"),
        pytest.param(0, "帆布袋券", "感谢关注，已赠送 一张「帆布袋券」优惠券", id="coupon"),
        pytest.param(0, "", "", id="nothing"),
    ],
)
def test_gift_message(points: int, coupon: str, text: str) -> None:
    assert gift_message(points, coupon) == text
