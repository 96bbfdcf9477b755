"""user/info refresh against the sandbox: it updates what WeChat still gives (remark, tags,
follow state, unionid) and never blanks the nickname, which only snsapi_userinfo provides."""

from datetime import UTC, datetime

import httpx

from tests.factories import bearer, make_staff
from wechat.models import Fan, FanTag, OfficialAccount
from wechat.sandbox.state import SandboxState
from wechat.service.fans import refresh_profile


async def tag_names(fan: Fan) -> set[str]:
    return {t.name for t in await fan.tags.all()}


async def test_refresh_updates_remark_and_tags_but_keeps_the_nickname(
    sandbox: SandboxState, account: OfficialAccount
):
    alice = sandbox.users["o_alice"]
    alice.remark, alice.tagids, alice.unionid = "老客户", [2, 120], "u_alice"
    await FanTag.create(account=account, name="星标组", wx_tag_id=2)
    stale = await FanTag.create(account=account, name="旧标签", wx_tag_id=119)
    pending = await FanTag.create(account=account, name="待同步")
    await FanTag.create(account=account, name="高价值", wx_tag_id=120)
    fan = await Fan.create(
        account=account,
        openid="o_alice",
        subscribed=True,
        nickname="爱丽丝（授权）",
        remark="旧备注",
    )
    await fan.tags.add(stale, pending)
    assert await refresh_profile(fan.id) == "refreshed"
    fan = await Fan.get(id=fan.id)
    assert (fan.nickname, fan.remark, fan.unionid, fan.subscribed) == (
        "爱丽丝（授权）",
        "老客户",
        "u_alice",
        True,
    )
    assert await tag_names(fan) == {"星标组", "高价值", "待同步"}


async def test_refresh_reconciles_missed_follow_and_unfollow_events(
    sandbox: SandboxState, account: OfficialAccount
):
    sandbox.users["o_bob"].subscribed = False
    carol = sandbox.users["o_carol"]
    carol.subscribed, carol.subscribe_time = True, 1_790_000_000
    bob = await Fan.create(account=account, openid="o_bob", subscribed=True)
    gone = await Fan.create(account=account, openid="o_carol", subscribed=False)
    assert await refresh_profile(bob.id) == "unsubscribed"
    assert await refresh_profile(gone.id) == "refreshed"
    bob, carol_fan = await Fan.get(id=bob.id), await Fan.get(id=gone.id)
    assert (bob.subscribed, bob.unsubscribed_at is not None, bob.nickname) == (False, True, "")
    assert (carol_fan.subscribed, carol_fan.subscribed_at, carol_fan.first_subscribed_at) == (
        True,
        datetime.fromtimestamp(1_790_000_000, UTC),
        datetime.fromtimestamp(1_790_000_000, UTC),
    )


async def test_a_newer_local_unfollow_wins_over_an_older_subscription(
    sandbox: SandboxState, account: OfficialAccount
):
    carol = sandbox.users["o_carol"]
    carol.subscribed, carol.subscribe_time = True, 1_790_000_000
    unfollowed = datetime.fromtimestamp(1_790_000_100, UTC)
    fan = await Fan.create(
        account=account, openid="o_carol", subscribed=False, unsubscribed_at=unfollowed
    )
    assert await refresh_profile(fan.id) == "refreshed"
    fan = await Fan.get(id=fan.id)
    assert (fan.subscribed, fan.unsubscribed_at) == (False, unfollowed)


async def test_the_console_gets_an_unauthorised_nickname_as_blank(
    account: OfficialAccount, client: httpx.AsyncClient
):
    await Fan.create(account=account, openid="o_alice", subscribed=True)
    await Fan.create(account=account, openid="o_bob", subscribed=True, nickname="鲍勃")
    headers = await bearer(await make_staff("admin"))
    listed = (await client.get("/api/v1/wechat/fans", headers=headers)).json()
    assert sorted((f["openid"], f["nickname"]) for f in listed) == [
        ("o_alice", ""),
        ("o_bob", "鲍勃"),
    ]
