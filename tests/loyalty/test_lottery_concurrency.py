"""ST-1 and ST-2 on real PostgreSQL: stock and per-member limits under concurrent draws."""

import asyncio

from crm_core.errors import CRMError
from loyalty.lottery.models import Award, Draw, DrawOutcome, Prize, PrizeKind
from loyalty.lottery.service import draw
from tests.loyalty.factories import make_activity, make_member, make_prize


async def test_1000_concurrent_draws_against_stock_100_award_exactly_100() -> None:
    activity = await make_activity(free_draws_per_day=1)
    prize = await make_prize(activity, name="保温杯", weight=1, stock=100)
    members = [await make_member() for _ in range(1000)]

    outcomes = await asyncio.gather(
        *(draw(activity.id, m.id, key=f"draw-{m.id:06d}") for m in members)
    )

    wins = [o for o in outcomes if o.outcome == DrawOutcome.WIN]
    assert len(wins) == 100
    assert sum(o.outcome == DrawOutcome.OUT_OF_STOCK for o in outcomes) == 900
    await prize.refresh_from_db()
    assert prize.stock == 0
    assert await Award.filter(prize_id=prize.id).count() == 100
    assert await Draw.all().count() == 1000
    assert len({o.award_id for o in wins}) == 100


async def test_one_member_1000_parallel_draws_with_win_limit_1_gets_one_award() -> None:
    activity = await make_activity(free_draws_per_day=1000, max_wins=1)
    await make_prize(activity, name="积分", kind=PrizeKind.POINTS, points=5, weight=1)
    member = await make_member()

    async def attempt(number: int) -> str:
        try:
            return (await draw(activity.id, member.id, key=f"one-member-{number:05d}")).outcome
        except CRMError as error:
            return error.code

    outcomes = await asyncio.gather(*(attempt(n) for n in range(1000)))

    assert outcomes.count(DrawOutcome.WIN) == 1
    assert outcomes.count(DrawOutcome.WIN_LIMIT) == 999
    assert await Award.filter(member_id=member.id).count() == 1


async def test_one_member_parallel_draws_with_one_draw_a_day_get_one_draw() -> None:
    activity = await make_activity(free_draws_per_day=1, max_draws_per_day=1)
    prize = await make_prize(activity, weight=1, stock=10)
    member = await make_member()

    async def attempt(number: int) -> str:
        try:
            return (await draw(activity.id, member.id, key=f"daily-{number:05d}")).outcome
        except CRMError as error:
            return error.code

    outcomes = await asyncio.gather(*(attempt(n) for n in range(200)))

    assert outcomes.count(DrawOutcome.WIN) == 1
    assert outcomes.count("draw_limit_reached") == 199
    assert await Draw.filter(member_id=member.id).count() == 1
    assert (await Prize.get(id=prize.id)).stock == 9
