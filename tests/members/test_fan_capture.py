"""Fan capture through the worker half: fan upserted, member linked, attribution, QR stats."""

import asyncio
import time

import httpx

from crm_core import jobs
from members import tasks as member_tasks
from members.models import Member, MemberIdentity, MemberTouch
from tests.wechat.callback_support import APPID, event_xml, make_account, make_shop, post
from wechat import tasks as wechat_tasks
from wechat.models import Fan, QrCode, QrDailyStat, QrKind


async def _drain(published: list[jobs.Job]) -> None:
    """Run captured jobs like a worker would (and the jobs they enqueue), skipping API calls."""
    while published:
        job = published.pop(0)
        if job.name == "wechat.process_events":
            await wechat_tasks.process_events(**job.kwargs)
        elif job.name == "members.on_fan_subscribed":
            await member_tasks.on_fan_subscribed(**job.kwargs)


async def test_guide_scan_creates_fan_and_member_attributed_to_guide_and_store(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    shop = await make_shop()
    other = await make_shop("HZ001")
    account = await make_account()
    code = await QrCode.create(
        account=account,
        kind=QrKind.GUIDE,
        name="导购码",
        scene="g1",
        store_id=shop.store.id,
        guide_id=shop.guide.id,
    )
    later = await QrCode.create(
        account=account, kind=QrKind.STORE, name="杭州店", scene="s2", store_id=other.store.id
    )
    t0 = int(time.time())
    await post(client, event_xml("o_fan", "subscribe", key="qrscene_g1", create_time=t0))
    names = [j.name for j in published_jobs]
    await _drain(published_jobs)
    assert names == ["wechat.process_events"]

    fan = await Fan.get(openid="o_fan")
    member = await Member.get()
    assert (fan.subscribed, fan.follow_count, fan.store_id, fan.guide_id, fan.member_id) == (
        True,
        1,
        shop.store.id,
        shop.guide.id,
        member.id,
    )
    assert (
        member.first_store_id,
        member.first_guide_id,
        member.last_store_id,
        member.last_guide_id,
    ) == (shop.store.id, shop.guide.id, shop.store.id, shop.guide.id)
    identities = await MemberIdentity.all().values_list("kind", "appid", "value")
    assert identities == [("openid", APPID, "o_fan")]

    # Unfollow, then re-follow through another store's code: same fan, same member,
    # first touch kept, last touch moved, stats split into unfollow and re-follow.
    await post(client, event_xml("o_fan", "unsubscribe", create_time=t0 + 1))
    await post(client, event_xml("o_fan", "subscribe", key="qrscene_s2", create_time=t0 + 2))
    await _drain(published_jobs)
    fan = await Fan.get(openid="o_fan")
    member = await Member.get()
    assert (await Fan.all().count(), await Member.all().count()) == (1, 1)
    assert (fan.subscribed, fan.follow_count, fan.store_id, fan.last_qrcode_id) == (
        True,
        2,
        shop.store.id,
        later.id,
    )
    assert (
        member.first_store_id,
        member.first_guide_id,
        member.last_store_id,
        member.last_guide_id,
    ) == (shop.store.id, shop.guide.id, other.store.id, None)
    stats = {
        s.qrcode_id: (s.scans, s.new_follows, s.re_follows, s.unfollows)
        for s in await QrDailyStat.all()
    }
    assert stats == {code.id: (1, 1, 0, 1), later.id: (1, 0, 1, 0)}


async def test_a_redelivered_task_changes_nothing(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    shop = await make_shop()
    account = await make_account()
    await QrCode.create(
        account=account,
        kind=QrKind.GUIDE,
        name="导购码",
        scene="g1",
        store_id=shop.store.id,
        guide_id=shop.guide.id,
    )
    await post(client, event_xml("o_fan", "subscribe", key="qrscene_g1"))
    process = published_jobs.pop()
    # Celery is at-least-once: the same task three times at once, then the member task twice.
    results = await asyncio.gather(
        *(wechat_tasks.process_events(**process.kwargs) for _ in range(3))
    )
    assert sorted(results) == [["duplicate"], ["duplicate"], ["follow"]]
    member_job = next(j for j in published_jobs if j.name == "members.on_fan_subscribed")
    ids = await asyncio.gather(
        *(member_tasks.on_fan_subscribed(**member_job.kwargs) for _ in range(2))
    )
    assert ids[0] == ids[1]
    assert (await Member.all().count(), await MemberTouch.all().count()) == (1, 1)
    assert [(s.scans, s.new_follows) for s in await QrDailyStat.all()] == [(1, 1)]
