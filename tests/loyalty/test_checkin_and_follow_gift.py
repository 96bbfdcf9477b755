"""Daily check-in with streak rewards; the follow gift once per person ever."""

from datetime import UTC, datetime, timedelta

import pytest

from crm_core import clock
from loyalty.checkin.models import Checkin, StreakReward
from loyalty.checkin.rules import next_streak
from loyalty.checkin.service import AlreadyCheckedInError, check_in
from loyalty.coupons.models import Coupon, CouponSource
from loyalty.gifts.models import FollowGift, FollowGiftGrant
from loyalty.points.models import Account, EntryKind, PointsEntry
from loyalty.tasks import grant_follow_gift
from tests.loyalty.factories import make_member, make_program, make_template


@pytest.mark.parametrize(
    ("last", "streak", "expected"),
    [(None, 0, 1), ("2026-03-09", 4, 5), ("2026-03-08", 4, 1), ("2026-03-10", 4, 1)],
    ids=["first", "yesterday", "gap", "same-day"],
)
def test_next_streak(last: str | None, streak: int, expected: int) -> None:
    from datetime import date

    last_day = date.fromisoformat(last) if last else None
    assert next_streak(last_day, streak, date(2026, 3, 10)) == expected


async def test_streak_rewards_on_days_3_and_7_and_reset_after_a_gap() -> None:
    await make_program(checkin_points=5)
    template = await make_template(name="签到7天券")
    await StreakReward.create(streak_days=3, points=20)
    await StreakReward.create(streak_days=7, points=50, coupon_template=template)
    member = await make_member()
    # 02:00 UTC is 10:00 in Shanghai: every day below is one local day.
    with clock.freeze(datetime(2026, 3, 1, 2, 0, tzinfo=UTC)):
        days = []
        for _ in range(7):
            days.append(await check_in(member.id))
            clock.advance(timedelta(days=1))
        clock.advance(timedelta(days=1))
        after_gap = await check_in(member.id)

    assert [(d.streak, d.points) for d in days] == [
        (1, 5),
        (2, 5),
        (3, 25),
        (4, 5),
        (5, 5),
        (6, 5),
        (7, 55),
    ]
    assert days[6].coupon_id is not None
    assert (after_gap.streak, after_gap.points) == (1, 5)
    assert (await Account.get(member_id=member.id)).balance == 110
    coupons = await Coupon.filter(member_id=member.id)
    assert [(c.template_id, c.source) for c in coupons] == [(template.id, CouponSource.CHECKIN)]


async def test_a_second_check_in_the_same_day_changes_nothing() -> None:
    await make_program(checkin_points=5)
    member = await make_member()
    await check_in(member.id)
    with pytest.raises(AlreadyCheckedInError) as caught:
        await check_in(member.id)
    assert caught.value.code == "already_checked_in"
    assert await Checkin.filter(member_id=member.id).count() == 1
    assert (await Account.get(member_id=member.id)).balance == 5


async def test_follow_gift_of_the_code_beats_channel_and_default_and_comes_once() -> None:
    template = await make_template(name="关注券")
    await FollowGift.create(name="默认关注礼", points=10)
    await FollowGift.create(name="海报渠道", channel="poster", points=30)
    code_gift = await FollowGift.create(
        name="门店码", qrcode_id=77, points=50, coupon_template=template
    )
    member = await make_member()

    first = await grant_follow_gift(member.id, qrcode_id=77, channel="poster", scene="s_77")
    again = await grant_follow_gift(member.id, qrcode_id=None, channel="poster")

    assert first is not None
    assert again is None
    grant = await FollowGiftGrant.get(member_id=member.id)
    assert (grant.gift_id, grant.qrcode_id) == (code_gift.id, 77)
    assert [(e.kind, e.delta) for e in await PointsEntry.all()] == [(EntryKind.FOLLOW, 50)]
    assert await Coupon.filter(member_id=member.id, source=CouponSource.FOLLOW).count() == 1


@pytest.mark.parametrize(
    ("channel", "expected"), [("poster", 30), ("parcel", 10)], ids=["channel-gift", "default-gift"]
)
async def test_follow_gift_falls_back_to_channel_then_default(channel: str, expected: int) -> None:
    await FollowGift.create(name="默认关注礼", points=10)
    await FollowGift.create(name="海报渠道", channel="poster", points=30)
    member = await make_member()
    await grant_follow_gift(member.id, qrcode_id=5, channel=channel)
    assert (await Account.get(member_id=member.id)).balance == expected


async def test_no_follow_gift_configured_grants_nothing() -> None:
    member = await make_member()
    assert await grant_follow_gift(member.id, qrcode_id=1) is None
    assert await FollowGiftGrant.all().count() == 0
