"""Big wheel: costs, windows, prizes of each kind, the draw log, fulfilment and reports."""

from datetime import timedelta

import httpx
import pytest

from crm_core import clock
from loyalty.coupons.models import Coupon, CouponSource
from loyalty.errors import DuplicateRequestError, InsufficientPointsError, NotAvailableError
from loyalty.lottery.errors import AwardStateError, NoDrawsLeftError
from loyalty.lottery.models import Award, AwardStatus, Draw, DrawOutcome, PrizeKind
from loyalty.lottery.schemas import AddressSubmit
from loyalty.lottery.service import draw, submit_address
from loyalty.points.models import Account, EntryKind, PointsEntry
from tests.factories import bearer, make_staff
from tests.loyalty.factories import (
    make_activity,
    make_member,
    make_prize,
    make_template,
)


async def test_free_draw_then_paid_draws_then_refusal() -> None:
    activity = await make_activity(free_draws_per_day=1, points_per_draw=20, max_draws_per_day=3)
    await make_prize(activity, kind=PrizeKind.NONE, name="谢谢参与", weight=1)
    member = await make_member(points=30)

    free = await draw(activity.id, member.id, key="spin-0001")
    paid = await draw(activity.id, member.id, key="spin-0002")
    with pytest.raises(InsufficientPointsError):
        await draw(activity.id, member.id, key="spin-0003")

    assert (free.cost_points, paid.cost_points) == (0, 20)
    assert (free.outcome, free.prize_name) == (DrawOutcome.NONE, "谢谢参与")
    assert (await Account.get(member_id=member.id)).balance == 10
    assert await Draw.filter(member_id=member.id).count() == 2
    with pytest.raises(DuplicateRequestError):
        await draw(activity.id, member.id, key="spin-0002")
    assert await PointsEntry.filter(kind=EntryKind.LOTTERY_COST).count() == 1


async def test_draws_outside_the_window_or_over_the_day_are_refused_unchanged() -> None:
    activity = await make_activity(free_draws_per_day=1)
    await make_prize(activity, weight=1, stock=5)
    member = await make_member()
    await draw(activity.id, member.id, key="window-01")
    with pytest.raises(NoDrawsLeftError) as caught:
        await draw(activity.id, member.id, key="window-02")
    assert caught.value.detail == "今日免费抽奖次数已用完，明天再来"
    clock.advance(timedelta(days=31))
    with pytest.raises(NotAvailableError):
        await draw(activity.id, member.id, key="window-03")
    assert await Draw.all().count() == 1


async def test_points_and_coupon_prizes_are_granted_in_the_draw() -> None:
    template = await make_template(name="转盘券", stock=1, stock_total=1)
    activity = await make_activity(free_draws_per_day=5)
    points = await make_prize(activity, kind=PrizeKind.POINTS, points=88, weight=1)
    member = await make_member()
    won = await draw(activity.id, member.id, key="grant-0001")
    assert (won.outcome, won.prize_id) == (DrawOutcome.WIN, points.id)
    points.weight = 0
    await points.save()
    coupon_prize = await make_prize(
        activity, kind=PrizeKind.COUPON, coupon_template=template, weight=1
    )
    won_coupon = await draw(activity.id, member.id, key="grant-0002")

    assert won_coupon.prize_id == coupon_prize.id
    assert (await Account.get(member_id=member.id)).balance == 88
    award = await Award.get(id=won_coupon.award_id)
    coupon = await Coupon.get(id=award.coupon_id)
    assert (coupon.source, award.status) == (CouponSource.LOTTERY, AwardStatus.GRANTED)


async def test_physical_prize_address_and_shipping(client: httpx.AsyncClient) -> None:
    activity = await make_activity()
    await make_prize(activity, name="保温杯", weight=1, stock=1)
    member = await make_member()
    won = await draw(activity.id, member.id, key="ship-0001")
    assert won.award_id is not None
    headers = await bearer(await make_staff("marketer"))
    url = f"/api/v1/loyalty/lottery-awards/{won.award_id}"

    early = await client.patch(url, json={"status": "shipped"}, headers=headers)
    assert (early.status_code, early.json()["error"]) == (409, "award_wrong_state")
    await submit_address(
        member.id,
        won.award_id,
        AddressSubmit(recipient="李四", phone="13900139000", address="杭州市西湖区文三路100号"),
    )
    shipped = await client.patch(
        url, json={"status": "shipped", "tracking_no": "YT9"}, headers=headers
    )
    assert (shipped.status_code, shipped.json()["status"], shipped.json()["address"]) == (
        200,
        "shipped",
        "杭州市西湖区文三路100号",
    )
    with pytest.raises(AwardStateError):
        await submit_address(
            member.id,
            won.award_id,
            AddressSubmit(recipient="李四", phone="13900139000", address="改地址改地址"),
        )


async def test_configure_and_report_over_the_api(client: httpx.AsyncClient) -> None:
    headers = await bearer(await make_staff("marketer"))
    now = clock.utc_now()
    created = await client.post(
        "/api/v1/loyalty/lotteries",
        headers=headers,
        json={
            "name": "双十一大转盘",
            "skin": "festival",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
            "free_draws_per_day": 2,
        },
    )
    assert created.status_code == 201
    activity_id = created.json()["id"]
    for body in (
        {"name": "耳机", "kind": "physical", "weight": 1, "stock": 1},
        {"name": "谢谢参与", "kind": "none", "weight": 0},
    ):
        assert (
            await client.post(
                f"/api/v1/loyalty/lotteries/{activity_id}/prizes", json=body, headers=headers
            )
        ).status_code == 201
    bad = await client.post(
        f"/api/v1/loyalty/lotteries/{activity_id}/prizes",
        json={"name": "积分", "kind": "points", "weight": 1},
        headers=headers,
    )
    assert bad.status_code == 422
    first, second = await make_member(), await make_member()
    await draw(activity_id, first.id, key="report-01")
    await draw(activity_id, second.id, key="report-02")
    await draw(activity_id, second.id, key="report-03")

    report = (
        await client.get(f"/api/v1/loyalty/lotteries/{activity_id}/report", headers=headers)
    ).json()
    today = clock.local_now().date().isoformat()
    assert report == [
        {
            "day": today,
            "participants": 2,
            "draws": 3,
            "wins": 1,
            "claimed": 0,
            "by_prize": {"耳机": 1},
        }
    ]
