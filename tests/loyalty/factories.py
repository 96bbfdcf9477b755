"""Typed async factories for loyalty tests."""

import itertools
from datetime import timedelta

from crm_core import clock
from crm_core.org.models import Store
from loyalty.coupons.models import CouponKind, CouponTemplate
from loyalty.lottery.models import Activity, Prize, PrizeKind
from loyalty.points.models import EntryKind
from loyalty.points.service.accounts import earn_points
from loyalty.program.models import Program, Tier
from members.models import Member
from tests.factories import make_department, make_store

_counter = itertools.count(1)


async def make_member(*, points: int = 0, name: str = "") -> Member:
    member = await Member.create(name=name or f"会员{next(_counter)}", created_at=clock.utc_now())
    if points:
        await earn_points(
            member.id, points, kind=EntryKind.ADJUST, key=f"seed:{member.id}:{next(_counter)}"
        )
    return member


async def make_any_store() -> Store:
    return await make_store(await make_department())


async def make_program(**values: object) -> Program:
    program, _ = await Program.get_or_create(id=1)
    if values:
        await Program.filter(id=1).update(**values)
        await program.refresh_from_db()
    return program


async def make_tiers() -> list[Tier]:
    """普卡 0, 银卡 1000, 金卡 5000 (points in the window); gold earns 1.5×."""
    return [
        await Tier.create(code="basic", name="普卡", rank=0, threshold=0),
        await Tier.create(
            code="silver",
            name="银卡",
            rank=1,
            threshold=1000,
            multiplier_percent=120,
            discount_percent=98,
        ),
        await Tier.create(
            code="gold",
            name="金卡",
            rank=2,
            threshold=5000,
            multiplier_percent=150,
            discount_percent=95,
            birthday_points=200,
        ),
    ]


async def make_template(**values: object) -> CouponTemplate:
    values.setdefault("name", f"满100减10券{next(_counter)}")
    values.setdefault("kind", CouponKind.AMOUNT_OFF)
    values.setdefault("amount_off_fen", 1000)
    values.setdefault("threshold_fen", 10000)
    values.setdefault("valid_days", 30)
    return await CouponTemplate.create(**values)


async def make_activity(**values: object) -> Activity:
    now = clock.utc_now()
    values.setdefault("name", f"幸运大转盘{next(_counter)}")
    values.setdefault("starts_at", now - timedelta(days=1))
    values.setdefault("ends_at", now + timedelta(days=30))
    return await Activity.create(**values)


async def make_prize(activity: Activity, **values: object) -> Prize:
    values.setdefault("name", f"奖品{next(_counter)}")
    values.setdefault("kind", PrizeKind.PHYSICAL)
    values.setdefault("weight", 1)
    if "stock" in values and "stock_total" not in values:
        values["stock_total"] = values["stock"]
    return await Prize.create(activity=activity, **values)
