"""From a scan to the follow gift: wechat → members → loyalty, through the named jobs."""

import httpx

from crm_core import jobs
from loyalty import tasks as loyalty_tasks
from loyalty.gifts.models import FollowGift, FollowGiftGrant
from loyalty.points.models import PointsEntry
from members import tasks as member_tasks
from members.models import Member
from tests.wechat.callback_support import event_xml, make_account, make_shop, post
from wechat import tasks as wechat_tasks
from wechat.models import QrCode, QrKind


async def _drain(published: list[jobs.Job]) -> list[str]:
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
